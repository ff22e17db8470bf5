#pragma once

// Pydantic-style checks over Boost.JSON values, shared by the namespace model and request parsers.
// Each check appends the error Pydantic would report (same `type`, same message wording) and
// returns nullopt/nullptr, so a parser can keep going and report every bad field at once.

#include "base/validation_error.hpp"

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace index_optimizer::json_checks {

using errors = std::vector<validation_error>;

error_location at(const error_location& base, std::string_view key);
error_location at(const error_location& base, std::int64_t index);

void add(errors& out, std::string_view type, error_location location, std::string message);

// Unicode code points of valid UTF-8 (Boost.JSON validates UTF-8), which is what Pydantic's
// min_length/max_length count.
std::size_t char_count(std::string_view utf8);

std::optional<std::string> as_string(const boost::json::value& v, const error_location& loc,
                                     errors& out);
// string_too_short / string_too_long on the character count.
std::optional<std::string> as_string(const boost::json::value& v, const error_location& loc,
                                     errors& out, std::size_t min_chars, std::size_t max_chars);
// JSON integers, and floats with no fractional part (Pydantic's lax int); booleans are rejected.
std::optional<std::int64_t> as_int(const boost::json::value& v, const error_location& loc,
                                   errors& out);
std::optional<std::int64_t> as_int(const boost::json::value& v, const error_location& loc,
                                   errors& out, std::int64_t min, std::int64_t max);
std::optional<bool> as_bool(const boost::json::value& v, const error_location& loc, errors& out);
// A nested model (model_attributes_type) vs a free-form dict field (dict_type).
const boost::json::object* as_model(const boost::json::value& v, const error_location& loc,
                                    errors& out);
const boost::json::object* as_dict(const boost::json::value& v, const error_location& loc,
                                   errors& out);
const boost::json::array* as_list(const boost::json::value& v, const error_location& loc,
                                  errors& out);
// Index into `names` of a string enum value; `enum` error listing the names otherwise.
std::optional<std::size_t> as_enum(const boost::json::value& v, const error_location& loc,
                                   errors& out, std::span<const std::string_view> names);

// "Input should be 'a', 'b' or 'c'" for an enum error.
std::string enum_message(std::span<const std::string_view> names);

// extra_forbidden for each key of `object` not in `known`. `hint` (may be empty) is appended to
// the message for a key, so the client learns *why* (e.g. "is_tenant applies only to ...").
using extra_key_hint = std::string (*)(std::string_view key);
void reject_unknown_keys(const boost::json::object& object, std::span<const std::string_view> known,
                         const error_location& loc, errors& out, extra_key_hint hint = nullptr);

// An optional value as JSON: the value, or null.
boost::json::value nullable(const std::optional<std::string>& s);
boost::json::value nullable(const std::optional<std::int64_t>& i);
boost::json::value nullable(const std::optional<std::chrono::system_clock::time_point>& t);

// Present and not null.
const boost::json::value* non_null(const boost::json::object& object, std::string_view key);

}  // namespace index_optimizer::json_checks
