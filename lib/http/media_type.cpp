#include "http/media_type.hpp"

namespace index_optimizer::http {
namespace {

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

bool equals_lower(std::string_view text, std::string_view lower) noexcept {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c =
        text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] - 'A' + 'a') : text[i];
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

bool is_json_media_type(std::string_view content_type) noexcept {
  const auto media = trim(content_type.substr(0, content_type.find(';')));
  const auto slash = media.find('/');
  if (slash == std::string_view::npos) return false;
  if (!equals_lower(media.substr(0, slash), "application")) return false;
  const auto subtype = media.substr(slash + 1);
  if (equals_lower(subtype, "json")) return true;
  // A structured-syntax suffix (RFC 6839): `+json` after a non-empty name.
  constexpr std::string_view k_suffix = "+json";
  return subtype.size() > k_suffix.size() &&
         equals_lower(subtype.substr(subtype.size() - k_suffix.size()), k_suffix);
}

}  // namespace index_optimizer::http
