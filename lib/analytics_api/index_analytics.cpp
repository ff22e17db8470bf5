#include "analytics_api/index_analytics.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <charconv>
#include <limits>

#include "base/string_map.hpp"
#include "namespace_model/protected_indexes.hpp"
#include "text/rfc3339_time.hpp"

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

// Reads `limit` and `cursor`, the paging parameters both routes share.
void parse_page(const std::map<std::string, std::string>& query, std::size_t& limit,
                std::optional<field_cursor>& after, std::vector<validation_error>& errors) {
  limit = static_cast<std::size_t>(
      bounded_parameter(query, "limit", k_default_field_page, 1, k_max_field_page, errors));
  const auto it = query.find("cursor");
  if (it == query.end() || it->second.empty()) return;
  after = decode_field_cursor(it->second);
  if (!after) {
    errors.push_back({"value_error",
                      {"query", "cursor"},
                      "Value error, not a cursor this server issued (use next_cursor from a "
                      "previous page)"});
  }
}

// Whether `field` comes after `cursor` in listing order (count descending, then path ascending).
bool after_cursor(const field_window_stats& field, const std::optional<field_cursor>& cursor) {
  if (!cursor) return true;
  if (field.count != cursor->count) return field.count < cursor->count;
  return field.path > cursor->path;
}

// The page of `listed` (in listing order) that `after` and `limit` select, and the cursor of the
// page after it (null when this is the last).
struct page_of_fields {
  std::vector<const field_window_stats*> fields;
  boost::json::value next_cursor = nullptr;
};

page_of_fields page(const std::vector<const field_window_stats*>& listed,
                    const std::optional<field_cursor>& after, std::size_t limit) {
  page_of_fields out;
  auto it = std::find_if(listed.begin(), listed.end(),
                         [&](const field_window_stats* f) { return after_cursor(*f, after); });
  for (; it != listed.end() && out.fields.size() < limit; ++it)
    out.fields.push_back(*it);
  if (it != listed.end() && !out.fields.empty()) {
    const auto* last = out.fields.back();
    out.next_cursor = encode_field_cursor({last->count, last->path});
  }
  return out;
}

boost::json::value overflow_json(const namespace_window_stats& stats,
                                 std::int64_t max_fields_per_namespace) {
  if (!stats.overflow || stats.overflow->count == 0) return nullptr;
  const auto& f = *stats.overflow;
  return boost::json::object{{"query_count", f.count},
                             {"first_seen", timestamp(f.first_seen_ms)},
                             {"last_seen", timestamp(f.last_seen_ms)},
                             {"max_fields_per_namespace", max_fields_per_namespace}};
}

}  // namespace

std::string encode_field_cursor(const field_cursor& cursor) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out = std::to_string(cursor.count);
  out += '.';
  for (const char c : cursor.path) {
    const auto byte = static_cast<unsigned char>(c);
    out += k_hex[byte >> 4];
    out += k_hex[byte & 0x0f];
  }
  return out;
}

std::optional<field_cursor> decode_field_cursor(std::string_view text) {
  const auto dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  field_cursor out;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + dot, out.count);
  if (ec != std::errc{} || end != text.data() + dot) return std::nullopt;
  const auto hex = text.substr(dot + 1);
  if (hex.size() % 2 != 0 || hex.size() > 2 * 1024) return std::nullopt;
  const auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int high = digit(hex[i]);
    const int low = digit(hex[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out.path += static_cast<char>((high << 4) | low);
  }
  return out;
}

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
  parse_page(query, out.limit, out.after, errors);
  if (!errors.empty()) return errors;
  return out;
}

validation_result<suggestions_query> parse_suggestions_query(
    const std::map<std::string, std::string>& query, const window_config& windows) {
  std::vector<validation_error> errors;
  suggestions_query out;
  const auto hours = bounded_parameter(query, "hours", 24, 1, 720, errors);
  out.min_count = bounded_parameter(query, "min_count", 100, 1, k_max_min_count, errors);
  parse_page(query, out.limit, out.after, errors);
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
                                         const usage_query& query,
                                         std::int64_t max_fields_per_namespace) {
  std::vector<const field_window_stats*> listed;
  std::int64_t indexed = 0;
  for (const auto& f : stats.fields) {
    if (f.count < query.min_count) continue;
    listed.push_back(&f);
    indexed += find_index(ns, f.path) != nullptr ? 1 : 0;
  }
  const auto selected = page(listed, query.after, query.limit);
  boost::json::array fields;
  fields.reserve(selected.fields.size());
  for (const auto* f : selected.fields) {
    fields.push_back({
        {"field_name", f->path},
        {"query_count", f->count},
        // Each event is one query execution and counts a field once, so every counted query is
        // a unique execution (docs/api.md).
        {"unique_queries", f->count},
        {"is_indexed", find_index(ns, f->path) != nullptr},
        {"is_protected", protected_field(ns, f->path)},
        {"avg_latency_ms", optional_number(f->latency_avg_ms())},
        {"p95_latency_ms", optional_number(f->latency_p95_ms())},
        {"first_seen", timestamp(f->first_seen_ms)},
        {"last_seen", timestamp(f->last_seen_ms)},
    });
  }
  const auto total = static_cast<std::int64_t>(listed.size());
  return {{"namespace_id", ns.namespace_id},
          {"period", query.period},
          {"fields", std::move(fields)},
          {"total_fields", total},
          {"indexed_fields", indexed},
          {"unindexed_fields", total - indexed},
          {"next_cursor", selected.next_cursor},
          {"field_overflow", overflow_json(stats, max_fields_per_namespace)}};
}

boost::json::object index_suggestions_response(
    const namespace_model& ns, const namespace_window_stats& analysed,
    const namespace_window_stats& decision, const namespace_window_stats* analytics,
    const suggestions_query& query,
    std::optional<std::chrono::system_clock::time_point> next_auto_create_run) {
  std::vector<const field_window_stats*> listed;
  for (const auto& f : analysed.fields) {
    if (f.count <= query.min_count) continue;
    if (f.majority_type() == index_type::unknown) continue;  // nothing to suggest without a type
    listed.push_back(&f);
  }
  const auto selected = page(listed, query.after, query.limit);
  // The other window's counts of the page's fields, found by path.
  const auto counts_of = [&](const namespace_window_stats& window) {
    string_map<std::uint64_t> counts;
    for (const auto* f : selected.fields)
      counts.emplace(f->path, 0);
    for (const auto& f : window.fields) {
      if (const auto it = counts.find(f.path); it != counts.end()) it->second = f.count;
    }
    return counts;
  };
  const auto counts_24h = counts_of(decision);
  const auto counts_7d = analytics != nullptr ? counts_of(*analytics) : string_map<std::uint64_t>{};
  boost::json::array suggestions;
  suggestions.reserve(selected.fields.size());
  for (const auto* f : selected.fields) {
    boost::json::value count_7d = nullptr;
    if (analytics != nullptr) count_7d = counts_7d.at(f->path);
    suggestions.push_back({
        {"field_name", f->path},
        {"query_count_24h", counts_24h.at(f->path)},
        {"query_count_7d", count_7d},
        {"suggested_type", to_string(f->majority_type())},
        {"is_indexed", find_index(ns, f->path) != nullptr},
        {"first_seen", timestamp(f->first_seen_ms)},
        {"last_seen", timestamp(f->last_seen_ms)},
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
          {"next_auto_create_run", std::move(next_run)},
          {"next_cursor", selected.next_cursor}};
}

}  // namespace index_optimizer
