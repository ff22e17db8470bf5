#pragma once

#include <span>
#include <string>
#include <string_view>

namespace index_optimizer {

// Shell-style matching of a whole field path against `pattern`: `*` matches any run of characters
// (dots and brackets included, so `metadata.*` covers every field under `metadata`, however
// deep), `?` exactly one character; every other character matches itself. There is no escape
// and no character class: payload paths never need them, and an operator writing `[` means the
// literal bracket of `items[].sku`.
bool glob_match(std::string_view pattern, std::string_view text) noexcept;

// Whether any pattern matches `text`.
bool glob_match_any(std::span<const std::string> patterns, std::string_view text) noexcept;

}  // namespace index_optimizer
