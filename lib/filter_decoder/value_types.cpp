#include "filter_decoder/value_types.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace index_optimizer {
namespace {

constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

constexpr bool is_hex(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Reads `count` decimal digits at `pos`; nullopt when any is not a digit or the text ends.
std::optional<int> read_digits(std::string_view text, std::size_t pos, std::size_t count) noexcept {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i])) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

constexpr bool is_leap_year(int year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

constexpr int days_in_month(int year, int month) noexcept {
  constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return k_days[month - 1];
}

// The offset at text[pos..]: end of text (none), Z/z, or +HH, +HHMM, +HH:MM (and -).
bool is_offset(std::string_view text, std::size_t pos) noexcept {
  if (pos == text.size()) return true;
  const char sign = text[pos];
  if (sign == 'Z' || sign == 'z') return pos + 1 == text.size();
  if (sign != '+' && sign != '-') return false;
  const auto hours = read_digits(text, pos + 1, 2);
  if (!hours || *hours > 23) return false;
  std::size_t next = pos + 3;
  if (next == text.size()) return true;
  if (text[next] == ':') ++next;
  const auto minutes = read_digits(text, next, 2);
  return minutes && *minutes < 60 && next + 2 == text.size();
}

}  // namespace

bool is_uuid(std::string_view text) noexcept {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool hyphen_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (hyphen_position ? text[i] != '-' : !is_hex(text[i])) return false;
  }
  return true;
}

bool is_datetime(std::string_view text) noexcept {
  // YYYY-MM-DD
  const auto year = read_digits(text, 0, 4);
  const auto month = read_digits(text, 5, 2);
  const auto day = read_digits(text, 8, 2);
  if (!year || !month || !day || text[4] != '-' || text[7] != '-') return false;
  if (*month < 1 || *month > 12 || *day < 1 || *day > days_in_month(*year, *month)) return false;
  if (text.size() == 10) return true;

  // separator, HH:MM
  const char separator = text[10];
  if (separator != 'T' && separator != 't' && separator != ' ') return false;
  const auto hour = read_digits(text, 11, 2);
  const auto minute = read_digits(text, 14, 2);
  if (!hour || !minute || text[13] != ':' || *hour > 23 || *minute > 59) return false;
  std::size_t pos = 16;

  // :SS(.fraction)
  if (pos < text.size() && text[pos] == ':') {
    const auto second = read_digits(text, pos + 1, 2);
    if (!second || *second > 60) return false;
    pos += 3;
    if (pos < text.size() && text[pos] == '.') {
      const std::size_t fraction_start = ++pos;
      while (pos < text.size() && is_digit(text[pos]))
        ++pos;
      if (pos == fraction_start) return false;
    }
  }
  return is_offset(text, pos);
}

bool has_control_character(std::string_view text) noexcept {
  // Every field name of every event goes through here: eight bytes at a time. A byte below 0x20
  // or equal to 0x7f sets its high bit in `hit` (bytes >= 0x80 never do).
  constexpr std::uint64_t ones = 0x0101010101010101;
  constexpr std::uint64_t highs = 0x8080808080808080;
  std::size_t at = 0;
  for (; at + 8 <= text.size(); at += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + at, 8);
    const std::uint64_t del = word ^ (ones * 0x7f);
    const std::uint64_t hit = ((word - ones * 0x20) & ~word) | ((del - ones) & ~del);
    if ((hit & highs) != 0) return true;
  }
  for (const char c : text.substr(at)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

bool is_template(std::string_view text) noexcept {
  const auto open = text.find("{{");
  return open != std::string_view::npos && text.find("}}", open + 2) != std::string_view::npos;
}

std::optional<index_type> widen(index_type a, index_type b) noexcept {
  if (a == b || b == index_type::unknown) return a;
  if (a == index_type::unknown) return b;
  const auto either = [&](index_type x, index_type y) {
    return (a == x && b == y) || (a == y && b == x);
  };
  if (either(index_type::integer, index_type::float_)) return index_type::float_;
  if (either(index_type::keyword, index_type::uuid)) return index_type::keyword;
  return std::nullopt;
}

}  // namespace index_optimizer
