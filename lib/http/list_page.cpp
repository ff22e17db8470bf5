#include "http/list_page.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <vector>

namespace index_optimizer {
namespace {

error_location query_at(std::string_view name) {
  return {std::string("query"), std::string(name)};
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t v = 0;
  // Pydantic strips surrounding whitespace before parsing an int from a string.
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0)
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0)
    text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<bool> parse_lax_bool(std::string_view text) {
  const std::string t = lower(text);
  static constexpr std::array<std::string_view, 6> yes{"true", "1", "yes", "on", "t", "y"};
  static constexpr std::array<std::string_view, 6> no{"false", "0", "no", "off", "f", "n"};
  if (std::find(yes.begin(), yes.end(), t) != yes.end()) return true;
  if (std::find(no.begin(), no.end(), t) != no.end()) return false;
  return std::nullopt;
}

void bounded_int(const std::map<std::string, std::string>& query, std::string_view name,
                 std::int64_t min, std::int64_t max, std::int64_t& target,
                 std::vector<validation_error>& out) {
  const auto it = query.find(std::string(name));
  if (it == query.end()) return;
  const auto v = parse_int(it->second);
  if (!v) {
    out.push_back({"int_parsing", query_at(name),
                   "Input should be a valid integer, unable to parse string as an integer"});
  } else if (*v < min) {
    out.push_back({"greater_than_equal", query_at(name),
                   "Input should be greater than or equal to " + std::to_string(min)});
  } else if (*v > max) {
    out.push_back({"less_than_equal", query_at(name),
                   "Input should be less than or equal to " + std::to_string(max)});
  } else {
    target = *v;
  }
}

}  // namespace

validation_result<list_page> parse_list_page(const std::map<std::string, std::string>& query) {
  list_page page;
  std::vector<validation_error> errors;
  bounded_int(query, "limit", 1, k_max_list_limit, page.limit, errors);
  bounded_int(query, "offset", 0, k_max_list_offset, page.offset, errors);
  if (const auto it = query.find("cursor"); it != query.end() && !it->second.empty()) {
    if (const auto offset = decode_list_cursor(it->second)) {
      page.offset = *offset;
    } else {
      errors.push_back({"value_error", query_at("cursor"),
                        "Value error, not a cursor this server issued (use next_cursor from a "
                        "previous page)"});
    }
  }
  if (const auto it = query.find("include_total"); it != query.end()) {
    if (const auto b = parse_lax_bool(it->second)) {
      page.include_total = *b;
    } else {
      errors.push_back({"bool_parsing", query_at("include_total"),
                        "Input should be a valid boolean, unable to interpret input"});
    }
  }
  if (!errors.empty()) return errors;
  return page;
}

std::string encode_list_cursor(std::int64_t offset) {
  return "o" + std::to_string(offset);
}

std::optional<std::int64_t> decode_list_cursor(std::string_view cursor) {
  if (!cursor.starts_with('o')) return std::nullopt;
  cursor.remove_prefix(1);
  std::int64_t offset = 0;
  const auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), offset);
  // The offsets we issue index a list held in memory; one near the int64 range is forged and
  // would overflow the page arithmetic.
  if (ec != std::errc() || end != cursor.data() + cursor.size() || cursor.empty() || offset < 0 ||
      offset > k_max_list_cursor_offset) {
    return std::nullopt;
  }
  return offset;
}

}  // namespace index_optimizer
