#include "filter_decoder/json_sample.hpp"

#include <algorithm>
#include <array>

namespace index_optimizer {
namespace {

// Bytes to drop outside strings (JSON's insignificant whitespace), and bytes that need a look
// inside strings (the quote and the escape). A table lookup keeps the loop to one branch per
// byte in the common case.
constexpr std::array<bool, 256> make_table(std::initializer_list<char> bytes) {
  std::array<bool, 256> table{};
  for (const char c : bytes)
    table[static_cast<unsigned char>(c)] = true;
  return table;
}
constexpr auto k_whitespace = make_table({' ', '\t', '\n', '\r'});
constexpr auto k_outside_special = make_table({' ', '\t', '\n', '\r', '"'});
constexpr auto k_string_special = make_table({'"', '\\'});

bool is(const std::array<bool, 256>& table, char c) noexcept {
  return table[static_cast<unsigned char>(c)];
}

}  // namespace

bool compact_json_sample(std::string_view json, std::size_t max_bytes, std::string& out) {
  // This runs for every event: write through a raw pointer into a pre-sized buffer.
  out.resize(std::min(max_bytes, json.size()));
  char* const begin = out.data();
  char* const end = begin + out.size();
  char* dst = begin;
  const char* src = json.data();
  const char* const src_end = src + json.size();
  while (src != src_end && dst != end) {
    const char c = *src++;
    if (!is(k_outside_special, c)) {
      *dst++ = c;
      continue;
    }
    if (is(k_whitespace, c)) continue;
    // A string: copy it through its closing quote, escaped characters as they are.
    *dst++ = c;
    while (src != src_end && dst != end) {
      const char s = *src++;
      *dst++ = s;
      if (!is(k_string_special, s)) continue;
      if (s == '"') break;
      if (src != src_end && dst != end) *dst++ = *src++;
    }
  }
  out.resize(static_cast<std::size_t>(dst - begin));

  // Anything but whitespace left over means the copy is cut. (Inside a string the rest holds at
  // least the closing quote.)
  while (src != src_end && is(k_whitespace, *src))
    ++src;
  if (src == src_end) return false;
  // The next input byte is where the cut fell; if it continues a multi-byte character, drop that
  // character's leading bytes too.
  if ((static_cast<unsigned char>(*src) & 0xC0) == 0x80) {
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
      out.pop_back();
    if (!out.empty()) out.pop_back();
  }
  return true;
}

}  // namespace index_optimizer
