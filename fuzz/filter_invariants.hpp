#pragma once

// Invariants shared by the two filter_decoder targets.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/index_type.hpp"
#include "filter_decoder/decode_limits.hpp"
#include "filter_decoder/decode_reason.hpp"
#include "filter_decoder/event_decoder.hpp"
#include "filter_decoder/field_observation.hpp"
#include "filter_decoder/json_sample.hpp"
#include "filter_decoder/value_types.hpp"
#include "fuzz_entry_points.hpp"
#include "text/utf8_text.hpp"

namespace index_optimizer::fuzz {

// Small enough that fuzz inputs reach every bound; a decode that passes these must also pass the
// defaults with the same result.
inline decode_limits small_limits() {
  decode_limits limits;
  limits.max_value_bytes = 512;
  limits.max_depth = 6;
  limits.max_conditions = 6;
  limits.max_field_path = 24;
  limits.max_namespace_bytes = 16;
  limits.max_sample_bytes = 40;
  return limits;
}

inline bool is_known_type(index_type type) {
  return type == index_type::unknown || parse_index_type(to_string(type)) == type;
}

// What every successful decode promises about its fields (docs/events.md "Limits").
inline void check_fields(const std::vector<field_observation>& fields, const decode_limits& limits,
                         filter_dialect dialect) {
  require(fields.size() <= limits.max_conditions, "more fields than conditions allowed");
  require(dialect != filter_dialect::empty || fields.empty(), "an empty filter reported fields");
  constexpr condition_kinds k_all_kinds = 4095;
  std::set<std::string_view> seen;
  for (const auto& field : fields) {
    require(!field.path.empty(), "empty field path");
    require(field.path.size() <= limits.max_field_path, "field path longer than max_field_path");
    require(is_valid_utf8(field.path), "field path is not valid UTF-8");
    require(!has_control_character(field.path), "field path with a control character");
    require(seen.insert(field.path).second, "a field path reported twice");
    require(is_known_type(field.type), "index type outside the enum");
    require((field.kinds & ~k_all_kinds) == 0, "condition kind bits outside the known kinds");
  }
}

inline void check_failure(const decode_failure& failure, bool input_is_utf8) {
  require(parse_decode_reason(to_string(failure.reason)) == failure.reason,
          "decode reason outside the enum");
  require(failure.reason != decode_reason::unknown_namespace,
          "the decoder reported unknown_namespace, which only the consumer can know");
  require(!failure.message.empty(), "decode failure without a message");
  require(!input_is_utf8 || is_valid_utf8(failure.message),
          "decode failure message is not valid UTF-8 although the input is");
}

// A reused decoder's failure: valid, and the same as a fresh decoder's (`once`).
template <class Decoded>
void check_failure(const decode_failure& failure, const std::variant<Decoded, decode_failure>& once,
                   bool input_is_utf8) {
  check_failure(failure, input_is_utf8);
  require(std::holds_alternative<decode_failure>(once) && std::get<decode_failure>(once) == failure,
          "a reused decoder and a fresh one disagree (failure)");
}

// The compact sample of valid JSON text: bounded, valid UTF-8, a prefix of the full compaction,
// and (when not cut) the same JSON value.
inline void check_sample(std::string_view json_text, const std::string& sample, bool truncated,
                         std::size_t max_bytes) {
  require(sample.size() <= max_bytes, "sample longer than max_sample_bytes");
  require(!is_valid_utf8(json_text) || is_valid_utf8(sample), "sample is not valid UTF-8");
  std::string full;
  require(!compact_json_sample(json_text, json_text.size(), full),
          "an unbounded compaction was reported as truncated");
  require(full.compare(0, sample.size(), sample) == 0, "sample is not a prefix of the compaction");
  require(truncated == (full.size() > max_bytes), "truncation flag disagrees with the length");
  boost::system::error_code error;
  const auto original = boost::json::parse(json_text, error);
  if (error) return;  // beyond Boost's default depth: nothing to compare with
  const auto compacted = boost::json::parse(full, error);
  // Compared as serialised too: Boost 1.81 parses a zero with a huge exponent ("0e31131") as NaN,
  // and NaN equals nothing, itself included, though the compaction kept the number verbatim.
  require(!error && (compacted == original ||
                     boost::json::serialize(compacted) == boost::json::serialize(original)),
          "the compaction is not the same JSON value");
}

}  // namespace index_optimizer::fuzz
