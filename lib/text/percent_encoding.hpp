#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace index_optimizer {

// RFC 3986 percent-decoding. With `plus_is_space` (query strings, form encoding) '+' becomes a
// space. nullopt for a truncated or non-hex escape, so malformed input is an error, not a guess.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

// Encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~), so the result is
// safe as one path segment or query value: '/', '[', ']', '%', spaces and non-ASCII bytes are
// escaped.
std::string percent_encode(std::string_view text);

}  // namespace index_optimizer
