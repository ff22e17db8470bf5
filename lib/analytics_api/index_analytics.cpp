#include "analytics_api/index_analytics.hpp"

#include <boost/json/array.hpp>
#include <charconv>
#include <limits>

#include "namespace_model/protected_indexes.hpp"
#include "rfc3339_time/rfc3339_time.hpp"

namespace index_optimizer {
namespace {

constexpr std::uint64_t k_max_min_count = 10000;

std::optional<std::uint64_t> parse_uint(const std::string& text) {
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

// Reads an integer query parameter within [min, max]; appends a validation error otherwise.
std::uint64_t bounded_parameter(const std::map<std::string, std::string>& query,
                                const std::string& name, std::uint64_t fallback, std::uint64_t min,
                                std::uint64_t max, std::vector<validation_error>& errors) {
  const auto it = query.find(name);
  if (it == query.end()) return fallback;
  const auto value = parse_uint(it->second);
  if (!value) {
    errors.push_back({"int_parsing",
                      {"query", name},
                      "Input should be a valid integer, unable to parse string as an integer"});
  } else if (*value < min) {
    errors.push_back({"greater_than_equal",
                      {"query", name},
                      "Input should be greater than or equal to " + std::to_string(min)});
  } else if (*value > max) {
    errors.push_back({"less_than_equal",
                      {"query", name},
                      "Input should be less than or equal to " + std::to_string(max)});
  }
  return value.value_or(fallback);
}

std::string format_period(std::int64_t length_ms) {
  const std::int64_t hours = length_ms / 3'600'000;
  if (hours > 24 && hours % 24 == 0) return std::to_string(hours / 24) + "d";
  return std::to_string(hours) + "h";
}

std::string supported_periods(const window_config& windows) {
  return format_period(windows.length.count()) + " or " +
         format_period(windows.analytics_length.count());
}

std::optional<window_kind> window_with_length(const window_config& windows,
                                              std::int64_t length_ms) {
  if (length_ms == windows.length.count()) return window_kind::decision;
  if (length_ms == windows.analytics_length.count()) return window_kind::analytics;
  return std::nullopt;
}

boost::json::value timestamp(std::int64_t ms) {
  if (ms <= 0) return nullptr;
  return boost::json::value(format_rfc3339(std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::milliseconds(ms)))));
}

boost::json::value optional_number(std::optional<double> v) {
  if (!v) return nullptr;
  return *v;
}

bool protected_field(const namespace_model& ns, const std::string& path) {
  if (is_system_field(path)) return true;
  const auto* index = find_index(ns, path);
  return index != nullptr && index->is_protected;
}

}  // namespace

validation_result<usage_query> parse_usage_query(const std::map<std::string, std::string>& query,
                                                 const window_config& windows) {
  std::vector<validation_error> errors;
  usage_query out;
  out.period = "24h";
  if (const auto it = query.find("period"); it != query.end()) out.period = it->second;
  const std::string& p = out.period;
  const auto number = p.size() >= 2 ? parse_uint(p.substr(0, p.size() - 1)) : std::nullopt;
  const char unit = p.empty() ? '\0' : p.back();
  if (!number || (unit != 'h' && unit != 'd')) {
    errors.push_back({"string_pattern_mismatch",
                      {"query", "period"},
                      "String should match pattern '^(\\d+h|\\d+d)$'"});
  } else {
    // A period too long for int64 milliseconds names no window (and must not wrap around to one).
    const std::uint64_t unit_ms = unit == 'h' ? 3'600'000 : 86'400'000;
    const auto window =
        *number <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / unit_ms
            ? window_with_length(windows, static_cast<std::int64_t>(*number * unit_ms))
            : std::nullopt;
    if (!window) {
      errors.push_back({"value_error",
                        {"query", "period"},
                        "Counts are kept for the configured windows only: period must be " +
                            supported_periods(windows)});
    } else {
      out.window = *window;
    }
  }
  out.min_count = bounded_parameter(query, "min_count", 1, 1, k_max_min_count, errors);
  if (!errors.empty()) return errors;
  return out;
}

validation_result<suggestions_query> parse_suggestions_query(
    const std::map<std::string, std::string>& query, const window_config& windows) {
  std::vector<validation_error> errors;
  suggestions_query out;
  const auto hours = bounded_parameter(query, "hours", 24, 1, 720, errors);
  out.min_count = bounded_parameter(query, "min_count", 100, 1, k_max_min_count, errors);
  if (errors.empty()) {
    const auto length_ms = static_cast<std::int64_t>(hours) * 3'600'000;
    const auto window = window_with_length(windows, length_ms);
    if (!window) {
      errors.push_back({"value_error",
                        {"query", "hours"},
                        "Counts are kept for the configured windows only: hours must be " +
                            std::to_string(windows.length.count() / 3'600'000) + " or " +
                            std::to_string(windows.analytics_length.count() / 3'600'000)});
    } else {
      out.window = *window;
      out.analysis_period = format_period(length_ms);
    }
  }
  if (!errors.empty()) return errors;
  return out;
}

boost::json::object field_usage_response(const namespace_model& ns,
                                         const namespace_window_stats& stats,
                                         const usage_query& query) {
  boost::json::array fields;
  std::int64_t indexed = 0;
  for (const auto& f : stats.fields) {
    if (f.count < query.min_count) continue;
    const bool is_indexed = find_index(ns, f.path) != nullptr;
    indexed += is_indexed ? 1 : 0;
    fields.push_back({
        {"field_name", f.path},
        {"query_count", f.count},
        // Each event is one query execution and counts a field once, so every counted query is
        // a unique execution (docs/api.md).
        {"unique_queries", f.count},
        {"is_indexed", is_indexed},
        {"is_protected", protected_field(ns, f.path)},
        {"avg_latency_ms", optional_number(f.latency_avg_ms())},
        {"p95_latency_ms", optional_number(f.latency_p95_ms())},
        {"first_seen", timestamp(f.first_seen_ms)},
        {"last_seen", timestamp(f.last_seen_ms)},
    });
  }
  const auto total = static_cast<std::int64_t>(fields.size());
  return {{"namespace_id", ns.namespace_id}, {"period", query.period},
          {"fields", std::move(fields)},     {"total_fields", total},
          {"indexed_fields", indexed},       {"unindexed_fields", total - indexed}};
}

boost::json::object index_suggestions_response(
    const namespace_model& ns, const namespace_window_stats& analysed,
    const namespace_window_stats& decision, const namespace_window_stats* analytics,
    const suggestions_query& query,
    std::optional<std::chrono::system_clock::time_point> next_auto_create_run) {
  boost::json::array suggestions;
  for (const auto& f : analysed.fields) {
    if (f.count <= query.min_count) continue;
    const index_type type = f.majority_type();
    if (type == index_type::unknown) continue;  // nothing to suggest without a type
    const auto* in_decision = decision.find(f.path);
    const auto* in_analytics = analytics != nullptr ? analytics->find(f.path) : nullptr;
    boost::json::value count_7d = nullptr;
    if (analytics != nullptr) count_7d = in_analytics != nullptr ? in_analytics->count : 0;
    suggestions.push_back({
        {"field_name", f.path},
        {"query_count_24h", in_decision != nullptr ? in_decision->count : 0},
        {"query_count_7d", count_7d},
        {"suggested_type", to_string(type)},
        {"is_indexed", find_index(ns, f.path) != nullptr},
        {"first_seen", timestamp(f.first_seen_ms)},
        {"last_seen", timestamp(f.last_seen_ms)},
        // We measure no before/after latencies of indexed fields, so we do not invent a gain.
        {"estimated_performance_gain", nullptr},
    });
  }
  boost::json::value next_run = nullptr;
  if (ns.auto_create_indexes && next_auto_create_run) {
    next_run = format_rfc3339(*next_auto_create_run);
  }
  return {{"namespace_id", ns.namespace_id},
          {"analysis_period", query.analysis_period},
          {"suggestions", std::move(suggestions)},
          {"auto_create_enabled", ns.auto_create_indexes},
          {"next_auto_create_run", std::move(next_run)}};
}

}  // namespace index_optimizer
