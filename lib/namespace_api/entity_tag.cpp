#include "namespace_api/entity_tag.hpp"

#include <charconv>

namespace index_optimizer {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// etagc = %x21 / %x23-7E / obs-text
bool is_etag_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u != 0x7f);
}

}  // namespace

std::string entity_tag(std::int64_t version) {
  return "\"" + std::to_string(version) + "\"";
}

std::optional<if_match_condition> parse_if_match(std::string_view header) {
  header = trim(header);
  if (header == "*") return if_match_any{};
  if_match_list list;
  bool any_tag = false;
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view item = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    if (item.empty()) continue;  // RFC list syntax tolerates empty elements
    bool weak = false;
    if (item.starts_with("W/")) {
      weak = true;
      item.remove_prefix(2);
    }
    if (item.size() < 2 || item.front() != '"' || item.back() != '"') return std::nullopt;
    const std::string_view opaque = item.substr(1, item.size() - 2);
    for (const char c : opaque) {
      if (!is_etag_char(c)) return std::nullopt;
    }
    any_tag = true;
    if (weak) continue;
    std::int64_t version = 0;
    const auto [end, ec] = std::from_chars(opaque.data(), opaque.data() + opaque.size(), version);
    if (ec == std::errc() && end == opaque.data() + opaque.size() && version >= 0) {
      list.versions.push_back(version);
    }
  }
  if (!any_tag) return std::nullopt;
  return list;
}

bool matches(const if_match_condition& condition, std::int64_t version) noexcept {
  const auto* list = std::get_if<if_match_list>(&condition);
  if (list == nullptr) return true;
  for (const auto v : list->versions) {
    if (v == version) return true;
  }
  return false;
}

}  // namespace index_optimizer
