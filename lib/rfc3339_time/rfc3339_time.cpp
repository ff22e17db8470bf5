#include "rfc3339_time/rfc3339_time.hpp"

#include <array>
#include <cstdio>

namespace index_optimizer {
namespace {

using std::chrono::microseconds;

// Reads exactly `digits` decimal digits at `pos`; -1 when any is missing or not a digit.
int read_number(std::string_view text, std::size_t pos, std::size_t digits) {
  if (pos + digits > text.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + digits; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

bool expect(std::string_view text, std::size_t pos, char c) {
  return pos < text.size() && text[pos] == c;
}

}  // namespace

std::string format_rfc3339(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto us = floor<microseconds>(time);
  const auto day = floor<days>(us);
  year_month_day ymd{day};
  hh_mm_ss<microseconds> tod{us - day};
  int y = static_cast<int>(ymd.year());
  if (y < 0) y = 0;
  if (y > 9999) y = 9999;
  std::array<char, 40> buffer{};
  int n =
      std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02uT%02d:%02d:%02d", y,
                    static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                    static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                    static_cast<int>(tod.seconds().count()));
  std::string out(buffer.data(), static_cast<std::size_t>(n));
  if (const auto fraction = tod.subseconds().count(); fraction != 0) {
    n = std::snprintf(buffer.data(), buffer.size(), ".%06lld", static_cast<long long>(fraction));
    out.append(buffer.data(), static_cast<std::size_t>(n));
  }
  out += 'Z';
  return out;
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text) {
  using namespace std::chrono;
  const int y = read_number(text, 0, 4);
  const int mo = read_number(text, 5, 2);
  const int d = read_number(text, 8, 2);
  const int h = read_number(text, 11, 2);
  const int mi = read_number(text, 14, 2);
  const int s = read_number(text, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return std::nullopt;
  if (!expect(text, 4, '-') || !expect(text, 7, '-') || !expect(text, 13, ':') ||
      !expect(text, 16, ':')) {
    return std::nullopt;
  }
  if (const char sep = text[10]; sep != 'T' && sep != 't' && sep != ' ') return std::nullopt;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;

  std::size_t pos = 19;
  microseconds fraction{0};
  if (expect(text, pos, '.')) {
    ++pos;
    const std::size_t start = pos;
    long long us = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (pos - start < 6) us = us * 10 + (text[pos] - '0');
      ++pos;
    }
    if (pos == start) return std::nullopt;
    for (std::size_t i = pos - start; i < 6; ++i)
      us *= 10;
    fraction = microseconds{us};
  }

  minutes offset{0};
  if (expect(text, pos, 'Z') || expect(text, pos, 'z')) {
    ++pos;
  } else if (expect(text, pos, '+') || expect(text, pos, '-')) {
    const bool negative = text[pos] == '-';
    const int oh = read_number(text, pos + 1, 2);
    const int om = read_number(text, pos + 4, 2);
    if (oh < 0 || om < 0 || !expect(text, pos + 3, ':') || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = hours{oh} + minutes{om};
    if (negative) offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  const auto local = sys_days{ymd} + hours{h} + minutes{mi} + seconds{s} + fraction;
  return time_point_cast<system_clock::duration>(local - offset);
}

}  // namespace index_optimizer
