#include "namespace_model/json_checks.hpp"

#include "text/rfc3339_time.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace index_optimizer::json_checks {

error_location at(const error_location& base, std::string_view key) {
  error_location loc = base;
  loc.emplace_back(std::string(key));
  return loc;
}

error_location at(const error_location& base, std::int64_t index) {
  error_location loc = base;
  loc.emplace_back(index);
  return loc;
}

void add(errors& out, std::string_view type, error_location location, std::string message) {
  out.push_back({std::string(type), std::move(location), std::move(message)});
}

std::size_t char_count(std::string_view utf8) {
  // Count every byte that does not continue a multi-byte sequence.
  return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

std::optional<std::string> as_string(const boost::json::value& v, const error_location& loc,
                                     errors& out) {
  if (const auto* s = v.if_string()) return std::string(*s);
  add(out, "string_type", loc, "Input should be a valid string");
  return std::nullopt;
}

std::optional<std::string> as_string(const boost::json::value& v, const error_location& loc,
                                     errors& out, std::size_t min_chars, std::size_t max_chars) {
  auto s = as_string(v, loc, out);
  if (!s) return s;
  const std::size_t n = char_count(*s);
  const auto plural = [](std::size_t k) { return k == 1 ? " character" : " characters"; };
  if (n < min_chars) {
    add(out, "string_too_short", loc,
        "String should have at least " + std::to_string(min_chars) + plural(min_chars));
    return std::nullopt;
  }
  if (n > max_chars) {
    add(out, "string_too_long", loc,
        "String should have at most " + std::to_string(max_chars) + plural(max_chars));
    return std::nullopt;
  }
  return s;
}

std::optional<std::int64_t> as_int(const boost::json::value& v, const error_location& loc,
                                   errors& out) {
  if (const auto* i = v.if_int64()) return *i;
  if (const auto* u = v.if_uint64()) {
    if (*u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return static_cast<std::int64_t>(*u);
    }
    add(out, "int_parsing_size", loc,
        "Unable to parse input string as an integer, exceeded maximum size");
    return std::nullopt;
  }
  if (const auto* d = v.if_double()) {
    if (std::isfinite(*d) && std::trunc(*d) == *d && std::fabs(*d) < 9.0e18) {
      return static_cast<std::int64_t>(*d);
    }
    if (std::isfinite(*d) && std::trunc(*d) != *d) {
      add(out, "int_from_float", loc,
          "Input should be a valid integer, got a number with a fractional part");
      return std::nullopt;
    }
  }
  add(out, "int_type", loc, "Input should be a valid integer");
  return std::nullopt;
}

std::optional<std::int64_t> as_int(const boost::json::value& v, const error_location& loc,
                                   errors& out, std::int64_t min, std::int64_t max) {
  auto i = as_int(v, loc, out);
  if (!i) return i;
  if (*i < min) {
    add(out, "greater_than_equal", loc,
        "Input should be greater than or equal to " + std::to_string(min));
    return std::nullopt;
  }
  if (*i > max) {
    add(out, "less_than_equal", loc,
        "Input should be less than or equal to " + std::to_string(max));
    return std::nullopt;
  }
  return i;
}

std::optional<bool> as_bool(const boost::json::value& v, const error_location& loc, errors& out) {
  if (const auto* b = v.if_bool()) return *b;
  add(out, "bool_type", loc, "Input should be a valid boolean");
  return std::nullopt;
}

const boost::json::object* as_model(const boost::json::value& v, const error_location& loc,
                                    errors& out) {
  if (const auto* o = v.if_object()) return o;
  add(out, "model_attributes_type", loc,
      "Input should be a valid dictionary or object to extract fields from");
  return nullptr;
}

const boost::json::object* as_dict(const boost::json::value& v, const error_location& loc,
                                   errors& out) {
  if (const auto* o = v.if_object()) return o;
  add(out, "dict_type", loc, "Input should be a valid dictionary");
  return nullptr;
}

const boost::json::array* as_list(const boost::json::value& v, const error_location& loc,
                                  errors& out) {
  if (const auto* a = v.if_array()) return a;
  add(out, "list_type", loc, "Input should be a valid list");
  return nullptr;
}

std::string enum_message(std::span<const std::string_view> names) {
  std::string message = "Input should be ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) message += i + 1 == names.size() ? " or " : ", ";
    message += '\'';
    message += names[i];
    message += '\'';
  }
  return message;
}

std::optional<std::size_t> as_enum(const boost::json::value& v, const error_location& loc,
                                   errors& out, std::span<const std::string_view> names) {
  if (const auto* s = v.if_string()) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == *s) return i;
    }
  }
  add(out, "enum", loc, enum_message(names));
  return std::nullopt;
}

void reject_unknown_keys(const boost::json::object& object, std::span<const std::string_view> known,
                         const error_location& loc, errors& out, extra_key_hint hint) {
  for (const auto& [key, value] : object) {
    if (std::find(known.begin(), known.end(), std::string_view(key)) != known.end()) continue;
    std::string message = "Extra inputs are not permitted";
    if (hint != nullptr) {
      if (std::string extra = hint(key); !extra.empty()) message += ": " + extra;
    }
    add(out, "extra_forbidden", at(loc, key), std::move(message));
  }
}

boost::json::value nullable(const std::optional<std::string>& s) {
  return s ? boost::json::value(*s) : boost::json::value(nullptr);
}

boost::json::value nullable(const std::optional<std::int64_t>& i) {
  return i ? boost::json::value(*i) : boost::json::value(nullptr);
}

boost::json::value nullable(const std::optional<std::chrono::system_clock::time_point>& t) {
  return t ? boost::json::value(format_rfc3339(*t)) : boost::json::value(nullptr);
}

const boost::json::value* non_null(const boost::json::object& object, std::string_view key) {
  const auto* v = object.if_contains(key);
  return v != nullptr && !v->is_null() ? v : nullptr;
}

}  // namespace index_optimizer::json_checks
