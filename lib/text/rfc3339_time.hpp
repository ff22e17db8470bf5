#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace index_optimizer {

// "2024-01-15T10:30:00Z", or "2024-01-15T10:30:00.123456Z" when the time has a sub-second part:
// the form Pydantic emits for UTC datetimes, so our responses look like Mixpeek's. Truncates to
// microseconds. Years outside 0000-9999 are clamped to the range (they never occur for clocks).
std::string format_rfc3339(std::chrono::system_clock::time_point time);

// Parses RFC 3339 date-times: "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" ('t', 'z' and a
// space separator accepted too). The result is UTC, truncated to microseconds; nullopt when the
// text is not a valid date-time (bad calendar date, hour 24, leap second 60, missing offset).
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

}  // namespace index_optimizer
