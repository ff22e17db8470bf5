#include "filter_decoder/json_sample.hpp"

namespace index_optimizer {
namespace {

constexpr bool is_json_whitespace(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

bool compact_json_sample(std::string_view json, std::size_t max_bytes, std::string& out) {
  out.clear();
  bool in_string = false;
  bool escaped = false;
  std::size_t pos = 0;
  for (; pos < json.size(); ++pos) {
    const char c = json[pos];
    if (!in_string && is_json_whitespace(c)) continue;
    if (out.size() == max_bytes) break;
    out += c;
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    }
  }
  // Anything but whitespace left over means the copy is cut.
  for (; pos < json.size(); ++pos) {
    if (!is_json_whitespace(json[pos])) break;
  }
  if (pos == json.size()) return false;
  // The next input byte is where the cut fell; if it continues a multi-byte character, drop that
  // character's leading bytes too.
  if ((static_cast<unsigned char>(json[pos]) & 0xC0) == 0x80) {
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
      out.pop_back();
    if (!out.empty()) out.pop_back();
  }
  return true;
}

}  // namespace index_optimizer
