#pragma once

// Shared by the filter_decoder_*_test.cpp files: decode a filter and compare its observations.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "filter_decoder/event_decoder.hpp"

namespace index_optimizer {

inline void PrintTo(const field_observation& observation, std::ostream* os) {
  *os << "{" << observation.path << ", " << to_string(observation.type) << ", ["
      << format_condition_kinds(observation.kinds) << "]}";
}

inline void PrintTo(const decode_failure& failure, std::ostream* os) {
  *os << to_string(failure.reason) << ": " << failure.message;
}

}  // namespace index_optimizer

namespace filter_decoder_test {

using index_optimizer::condition_kind;
using index_optimizer::decode_failure;
using index_optimizer::decode_limits;
using index_optimizer::decode_reason;
using index_optimizer::field_observation;
using index_optimizer::filter_dialect;
using index_optimizer::index_type;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using K = index_optimizer::condition_kind;
using T = index_optimizer::index_type;

inline field_observation obs(std::string path, index_type type,
                             std::initializer_list<condition_kind> kinds = {}) {
  field_observation observation{std::move(path), type, 0};
  for (const condition_kind kind : kinds)
    observation.kinds |= index_optimizer::bit(kind);
  return observation;
}

// The fields of a filter that must decode; a failure fails the calling test.
inline std::vector<field_observation> fields_of(std::string_view filter,
                                                const index_optimizer::decode_limits& limits = {}) {
  auto result = index_optimizer::decode_filter(filter, limits);
  if (const auto* failure = std::get_if<index_optimizer::decode_failure>(&result)) {
    ADD_FAILURE() << "decoding " << filter << " failed: " << to_string(failure->reason) << ": "
                  << failure->message;
    return {};
  }
  return std::get<index_optimizer::decoded_filter>(result).fields;
}

inline index_optimizer::filter_dialect dialect_of(std::string_view filter) {
  auto result = index_optimizer::decode_filter(filter);
  if (const auto* failure = std::get_if<index_optimizer::decode_failure>(&result)) {
    ADD_FAILURE() << "decoding " << filter << " failed: " << failure->message;
    return index_optimizer::filter_dialect::empty;
  }
  return std::get<index_optimizer::decoded_filter>(result).dialect;
}

// The reason a filter that must fail fails with; a success fails the calling test.
inline index_optimizer::decode_failure failure_of(
    std::string_view filter, const index_optimizer::decode_limits& limits = {}) {
  auto result = index_optimizer::decode_filter(filter, limits);
  if (const auto* failure = std::get_if<index_optimizer::decode_failure>(&result)) return *failure;
  ADD_FAILURE() << "decoding " << filter << " unexpectedly succeeded";
  return {index_optimizer::decode_reason::unknown_namespace, {}};
}

inline index_optimizer::decode_reason reason_of(std::string_view filter,
                                                const index_optimizer::decode_limits& limits = {}) {
  return failure_of(filter, limits).reason;
}

}  // namespace filter_decoder_test
