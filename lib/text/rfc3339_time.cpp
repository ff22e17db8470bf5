#include "text/rfc3339_time.hpp"

#include <algorithm>
#include <cstdint>

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
  const year_month_day ymd{day};
  const hh_mm_ss<microseconds> tod{us - day};
  const int y = std::clamp(static_cast<int>(ymd.year()), 0, 9999);
  const auto fraction = static_cast<std::uint64_t>(tod.subseconds().count());
  // Digits written by hand: the analytics responses format two timestamps per field, and
  // snprintf's format parsing made that a sixth of a usage request's CPU.
  std::string out(fraction != 0 ? 27 : 20, '0');
  const auto put = [&out](std::size_t at, std::uint64_t value, std::size_t width) {
    for (std::size_t i = width; i > 0; --i) {
      out[at + i - 1] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, static_cast<std::uint64_t>(y), 4);
  out[4] = '-';
  put(5, static_cast<unsigned>(ymd.month()), 2);
  out[7] = '-';
  put(8, static_cast<unsigned>(ymd.day()), 2);
  out[10] = 'T';
  put(11, static_cast<std::uint64_t>(tod.hours().count()), 2);
  out[13] = ':';
  put(14, static_cast<std::uint64_t>(tod.minutes().count()), 2);
  out[16] = ':';
  put(17, static_cast<std::uint64_t>(tod.seconds().count()), 2);
  if (fraction != 0) {
    out[19] = '.';
    put(20, fraction, 6);
  }
  out.back() = 'Z';
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
