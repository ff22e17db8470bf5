#include "ops/logger.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace index_optimizer {
namespace {

std::atomic<log_level> g_level{log_level::info};
std::atomic<log_format> g_format{log_format::logfmt};

constexpr std::array<std::string_view, 5> k_level_names{"trace", "debug", "info", "warn", "error"};

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          std::array<char, 8> buf{};
          std::snprintf(buf.data(), buf.size(), "\\u%04x", static_cast<unsigned char>(c));
          out += buf.data();
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// logfmt values are bare when they contain no space, quote, '=' or control character.
void append_logfmt_value(std::string& out, std::string_view s) {
  bool needs_quotes = s.empty();
  for (const char c : s) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      needs_quotes = true;
      break;
    }
  }
  if (needs_quotes) {
    append_json_string(out, s);
  } else {
    out += s;
  }
}

std::string now_rfc3339() {
  const auto now = std::chrono::system_clock::now();
  const auto secs = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf.data();
}

}  // namespace

std::string_view to_string(log_level level) noexcept {
  return k_level_names[static_cast<size_t>(level)];
}

std::optional<log_level> parse_log_level(std::string_view name) noexcept {
  for (size_t i = 0; i < k_level_names.size(); ++i) {
    if (k_level_names[i] == name) return static_cast<log_level>(i);
  }
  if (name == "warning") return log_level::warn;
  return std::nullopt;
}

std::string_view to_string(log_format format) noexcept {
  return format == log_format::json ? "json" : "logfmt";
}

std::optional<log_format> parse_log_format(std::string_view name) noexcept {
  if (name == "logfmt") return log_format::logfmt;
  if (name == "json") return log_format::json;
  return std::nullopt;
}

void configure_logging(log_level level, log_format format) {
  g_level.store(level);
  g_format.store(format);
}

log_level current_log_level() noexcept {
  return g_level.load();
}

bool log_enabled(log_level level) noexcept {
  return level >= g_level.load();
}

std::string format_log_line(log_format format, std::string_view timestamp, log_level level,
                            std::string_view message, std::initializer_list<log_field> fields) {
  std::string line;
  line.reserve(128);
  if (format == log_format::json) {
    line += "{\"ts\":";
    append_json_string(line, timestamp);
    line += ",\"level\":";
    append_json_string(line, to_string(level));
    line += ",\"msg\":";
    append_json_string(line, message);
    for (const auto& f : fields) {
      line += ',';
      append_json_string(line, f.key);
      line += ':';
      if (f.quoted) {
        append_json_string(line, f.value);
      } else {
        line += f.value;
      }
    }
    line += "}\n";
  } else {
    line += "ts=";
    line += timestamp;
    line += " level=";
    line += to_string(level);
    line += " msg=";
    append_logfmt_value(line, message);
    for (const auto& f : fields) {
      line += ' ';
      line += f.key;
      line += '=';
      append_logfmt_value(line, f.value);
    }
    line += '\n';
  }
  return line;
}

void log(log_level level, std::string_view message, std::initializer_list<log_field> fields) {
  if (!log_enabled(level)) return;
  const std::string line = format_log_line(g_format.load(), now_rfc3339(), level, message, fields);
  // One write per line; a short write to stderr is not worth a retry loop that could block.
  [[maybe_unused]] const auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace index_optimizer
