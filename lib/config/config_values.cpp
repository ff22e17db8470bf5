#include "config/config_values.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace index_optimizer {
namespace {

struct unit {
  std::string_view suffix;
  std::int64_t factor;
};

// Longest suffix first so "ms" is not read as "m" followed by garbage.
constexpr std::array<unit, 5> k_duration_units{{
    {"ms", 1},
    {"s", 1000},
    {"m", 60 * 1000},
    {"h", 60 * 60 * 1000},
    {"d", 24 * 60 * 60 * 1000},
}};

// 100 years: far beyond any sensible setting, far below int64 overflow.
constexpr std::int64_t k_max_duration_ms = 100LL * 365 * 24 * 60 * 60 * 1000;

constexpr std::array<unit, 4> k_size_units{{
    {"GiB", 1LL << 30},
    {"MiB", 1LL << 20},
    {"KiB", 1LL << 10},
    {"B", 1},
}};

constexpr std::uint64_t k_max_size = 1ULL << 50;  // 1 PiB

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

constexpr std::string_view k_duration_help =
    "expected a duration such as \"500ms\", \"2s\", \"5m\", \"6h\", \"7d\" or \"1h30m\"";

}  // namespace

parse_result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  using result = parse_result<std::chrono::milliseconds>;
  if (text.empty()) return result::fail(std::string(k_duration_help) + ", got an empty value");
  std::int64_t total = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t digits_begin = pos;
    while (pos < text.size() && is_digit(text[pos]))
      ++pos;
    if (pos == digits_begin) {
      return result::fail(std::string(k_duration_help) + ", got \"" + std::string(text) + "\"");
    }
    std::int64_t amount = 0;
    const auto [end, ec] = std::from_chars(text.data() + digits_begin, text.data() + pos, amount);
    if (ec != std::errc{} || end != text.data() + pos) {
      return result::fail("duration \"" + std::string(text) + "\" is too large");
    }
    if (pos == text.size()) {
      return result::fail("duration \"" + std::string(text) +
                          "\" needs a unit (ms, s, m, h or d), e.g. \"" +
                          std::string(text.substr(digits_begin)) + "s\"");
    }
    const unit* matched = nullptr;
    for (const unit& u : k_duration_units) {
      if (text.substr(pos, u.suffix.size()) == u.suffix) {
        matched = &u;
        break;
      }
    }
    if (matched == nullptr) {
      return result::fail(std::string(k_duration_help) + ", got \"" + std::string(text) +
                          "\" (units are ms, s, m, h, d; no fractions or spaces)");
    }
    pos += matched->suffix.size();
    if (amount > k_max_duration_ms / matched->factor ||
        total > k_max_duration_ms - amount * matched->factor) {
      return result::fail("duration \"" + std::string(text) + "\" is too large");
    }
    total += amount * matched->factor;
  }
  return result::ok(std::chrono::milliseconds(total));
}

std::string format_duration(std::chrono::milliseconds duration) {
  const std::int64_t ms = duration.count();
  if (ms == 0) return "0s";
  for (auto it = k_duration_units.rbegin(); it != k_duration_units.rend(); ++it) {
    if (ms % it->factor == 0) return std::to_string(ms / it->factor) + std::string(it->suffix);
  }
  return std::to_string(ms) + "ms";
}

parse_result<std::uint64_t> parse_size(std::string_view text) {
  using result = parse_result<std::uint64_t>;
  std::size_t digits_end = 0;
  while (digits_end < text.size() && is_digit(text[digits_end]))
    ++digits_end;
  const std::string help = "expected a size in bytes such as 1048576, \"16KiB\" or \"1MiB\"";
  if (digits_end == 0) return result::fail(help + ", got \"" + std::string(text) + "\"");
  std::uint64_t amount = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + digits_end, amount);
  if (ec != std::errc{} || end != text.data() + digits_end || amount > k_max_size) {
    return result::fail("size \"" + std::string(text) + "\" is too large");
  }
  const std::string_view suffix = text.substr(digits_end);
  if (suffix.empty()) return result::ok(amount);
  for (const unit& u : k_size_units) {
    if (suffix == u.suffix) {
      const auto factor = static_cast<std::uint64_t>(u.factor);
      if (amount > k_max_size / factor) {
        return result::fail("size \"" + std::string(text) + "\" is too large");
      }
      return result::ok(amount * factor);
    }
  }
  return result::fail(help + ", got \"" + std::string(text) +
                      "\" (units are B, KiB, MiB, GiB, case-sensitive)");
}

std::string format_size(std::uint64_t bytes) {
  if (bytes == 0) return "0";
  for (const unit& u : k_size_units) {
    const auto factor = static_cast<std::uint64_t>(u.factor);
    if (factor > 1 && bytes % factor == 0) {
      return std::to_string(bytes / factor) + std::string(u.suffix);
    }
  }
  return std::to_string(bytes);
}

}  // namespace index_optimizer
