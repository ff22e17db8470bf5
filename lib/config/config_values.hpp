#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace index_optimizer {

// A parsed value or the reason there is none. Reasons never quote secrets (passwords, keys), so
// callers may put them into operator-facing messages as they are.
template <typename T>
struct parse_result {
  std::optional<T> value;
  std::string error;

  static parse_result ok(T v) { return {std::move(v), {}}; }
  static parse_result fail(std::string why) { return {std::nullopt, std::move(why)}; }
  explicit operator bool() const noexcept { return value.has_value(); }
};

// Durations are written as one or more <integer><unit> parts with units ms, s, m, h, d:
// "500ms", "2s", "5m", "6h", "7d", "1h30m". A unit is required (also for zero: "0s"); no signs,
// fractions or spaces. Parts add up; the total must stay below 100 years.
parse_result<std::chrono::milliseconds> parse_duration(std::string_view text);

// The shortest exact spelling with one unit: 90000ms -> "90s", 3600000ms -> "1h", 0 -> "0s".
std::string format_duration(std::chrono::milliseconds duration);

// Sizes are a plain byte count ("1048576") or an integer with a binary unit: B, KiB, MiB, GiB
// ("16KiB", "1MiB"). Units are case-sensitive: "1MB" and "1mib" are rejected rather than guessed.
parse_result<std::uint64_t> parse_size(std::string_view text);

// "1MiB" when the size is a whole number of a binary unit, else the byte count: 1536 -> "1536".
std::string format_size(std::uint64_t bytes);

}  // namespace index_optimizer
