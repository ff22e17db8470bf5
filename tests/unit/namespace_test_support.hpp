#pragma once

// Shared by the namespace_model unit tests: JSON literals and error-location shorthands.

#include "validation_error/validation_error.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace index_optimizer::testing {

inline boost::json::value json(std::string_view text) {
  return boost::json::parse(text);
}

using location_part = std::variant<std::string, std::int64_t>;

inline error_location loc(std::initializer_list<location_part> parts) {
  return error_location(parts.begin(), parts.end());
}

inline location_part idx(std::int64_t i) {
  return location_part(i);
}

}  // namespace index_optimizer::testing
