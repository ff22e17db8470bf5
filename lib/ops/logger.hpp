#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace index_optimizer {

enum class log_level { trace, debug, info, warn, error };
enum class log_format { logfmt, json };

std::string_view to_string(log_level level) noexcept;
std::optional<log_level> parse_log_level(std::string_view name) noexcept;
std::string_view to_string(log_format format) noexcept;
std::optional<log_format> parse_log_format(std::string_view name) noexcept;

// One key=value of a log line. Values are rendered once, at the call site, so a line is built and
// written with a single write(2): lines from different threads never interleave.
struct log_field {
  log_field(std::string_view k, std::string_view v) : key(k), value(v) {}
  log_field(std::string_view k, const std::string& v) : key(k), value(v) {}
  log_field(std::string_view k, const char* v) : key(k), value(v) {}
  log_field(std::string_view k, bool v) : key(k), value(v ? "true" : "false"), quoted(false) {}
  template <typename T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
  log_field(std::string_view k, T v) : key(k), value(std::to_string(v)), quoted(false) {}

  std::string_view key;
  std::string value;
  bool quoted = true;  // strings are JSON strings; numbers and bools are bare
};

// Process-wide logger writing one line per event to stderr. Level and format can change at run
// time (SIGHUP reload), hence atomics inside.
void configure_logging(log_level level, log_format format);
log_level current_log_level() noexcept;
bool log_enabled(log_level level) noexcept;
void log(log_level level, std::string_view message, std::initializer_list<log_field> fields = {});

// Renders one line without writing it (used by log() and by tests).
std::string format_log_line(log_format format, std::string_view timestamp, log_level level,
                            std::string_view message, std::initializer_list<log_field> fields);

inline void log_debug(std::string_view m, std::initializer_list<log_field> f = {}) {
  if (log_enabled(log_level::debug)) log(log_level::debug, m, f);
}
inline void log_info(std::string_view m, std::initializer_list<log_field> f = {}) {
  log(log_level::info, m, f);
}
inline void log_warn(std::string_view m, std::initializer_list<log_field> f = {}) {
  log(log_level::warn, m, f);
}
inline void log_error(std::string_view m, std::initializer_list<log_field> f = {}) {
  log(log_level::error, m, f);
}

}  // namespace index_optimizer
