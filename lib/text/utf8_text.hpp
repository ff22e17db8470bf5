#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace index_optimizer {

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text) noexcept;

// The text with every invalid sequence replaced by U+FFFD, for echoing client input (a header
// value, say) into a JSON answer: Boost.JSON writes string bytes as they are, so invalid UTF-8
// would make the whole response invalid JSON.
std::string to_valid_utf8(std::string_view text);

struct utf8_code_point {
  char32_t value;
  std::size_t length;  // bytes, 1 to 4
};

// The code point whose strict UTF-8 sequence starts at text[at], or nullopt when the bytes there
// are not one (or `at` is past the end).
std::optional<utf8_code_point> decode_utf8(std::string_view text, std::size_t at) noexcept;

// Rust's char::is_alphanumeric: the Unicode property Alphabetic, or general category Nd, Nl or No
// (Unicode 14.0; unicode_alphanumeric.cpp is generated). Qdrant's JSON-path keys use it.
bool is_unicode_alphanumeric(char32_t c) noexcept;

// The longest prefix of `text` of at most `max_bytes` bytes that does not end inside a UTF-8
// sequence (it backs off over continuation bytes), so a cut of valid UTF-8 stays valid.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) noexcept;

}  // namespace index_optimizer
