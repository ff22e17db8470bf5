#pragma once

#include <optional>
#include <string_view>

#include "base/index_type.hpp"

namespace index_optimizer {

// True for the canonical hyphenated form 8-4-4-4-12 (hex digits of either case). The simple
// 32-hex, braced and URN forms Qdrant also parses are deliberately not UUIDs here: a 32-hex
// string is as likely an MD5 digest kept as a keyword, and a uuid index only helps when every
// stored value parses as a UUID.
bool is_uuid(std::string_view text) noexcept;

// True for the datetime strings Qdrant's DatetimeRange accepts: RFC 3339
// (`2023-02-08T10:49:00Z`, `...T10:49:00.123+01:00`) and the relaxations Qdrant parses too: a
// space or lower-case `t` separator, no offset (UTC), no seconds (`2023-02-08 10:49`), a
// date alone (`2023-02-08`), and `+0100`/`+01` offsets. Fields are range-checked (month 1-12, day
// within the month including leap years, hour < 24, minute < 60, second <= 60).
bool is_datetime(std::string_view text) noexcept;

// True for a Mixpeek template value such as "{{INPUT.category}}": the string holds `{{` followed
// later by `}}`. Its runtime type cannot be read from the event.
bool is_template(std::string_view text) noexcept;

// True when the text holds an ASCII control character (below 0x20, or DEL): such names would
// corrupt logs, metric labels and Redis keys built from them.
bool has_control_character(std::string_view text) noexcept;

// The index type that serves both observations, when there is one: unknown gives way to any known
// type, integer and float widen to float (a float index serves integer values, not the reverse),
// keyword and uuid widen to keyword (a keyword index serves UUID strings, a uuid index serves
// nothing else). nullopt when the two known types have no common index (e.g. keyword and integer).
std::optional<index_type> widen(index_type a, index_type b) noexcept;

}  // namespace index_optimizer
