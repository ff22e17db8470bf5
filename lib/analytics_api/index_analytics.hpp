#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "base/validation_error.hpp"
#include "config/config.hpp"
#include "namespace_model/namespace_model.hpp"
#include "window_store/window_spec.hpp"
#include "window_store/window_stats.hpp"

namespace index_optimizer {

// The Mixpeek index-analytics responses (FieldUsageResponse, IndexSuggestionsResponse) built from
// a namespace and its window counts. Pure: the HTTP handlers read Redis and call these.
//
// Paging (beyond Mixpeek's shape, docs/api.md): both lists come most used first (count
// descending, then field name ascending), at most `limit` fields per answer, and `next_cursor`
// names where the next page starts (null on the last page). A namespace's fields are bounded by
// ingest.max_fields_per_namespace, so even every page together is bounded.

// Fields per page: by default, and at most (a field is about 300 bytes of JSON).
inline constexpr std::size_t k_default_field_page = 1000;
inline constexpr std::size_t k_max_field_page = 1000;

// A position in a field listing: the next page starts with the first field after it in listing
// order. A field whose count changes between two pages may therefore be listed twice or not at
// all; fields that keep their counts are listed exactly once.
struct field_cursor {
  std::uint64_t count = 0;
  std::string path;

  bool operator==(const field_cursor&) const = default;
};

// "<count>.<field name as lowercase hex>": opaque to clients, safe in a query string.
std::string encode_field_cursor(const field_cursor& cursor);
std::optional<field_cursor> decode_field_cursor(std::string_view text);

struct usage_query {
  window_kind window = window_kind::decision;
  std::string period;  // as the client wrote it ("24h", "7d"), echoed in the response
  std::uint64_t min_count = 1;
  std::size_t limit = k_default_field_page;
  std::optional<field_cursor> after{};
};

struct suggestions_query {
  window_kind window = window_kind::decision;
  std::string analysis_period;  // "24h", "7d"
  std::uint64_t min_count = 100;
  std::size_t limit = k_default_field_page;
  std::optional<field_cursor> after{};
};

// `period` ^(\d+h|\d+d)$ (default 24h) must name one of the configured windows (window.length,
// window.analytics_length): counts exist for those windows only. min_count 1..10000 (default 1),
// limit 1..k_max_field_page (default k_default_field_page), cursor a next_cursor.
validation_result<usage_query> parse_usage_query(const std::map<std::string, std::string>& query,
                                                 const window_config& windows);

// `hours` 1..720 (default 24) must equal one of the configured windows' lengths; min_count
// 1..10000 (default 100); limit and cursor as for usage.
validation_result<suggestions_query> parse_suggestions_query(
    const std::map<std::string, std::string>& query, const window_config& windows);

// One page of the fields with count >= min_count, most used first; total_fields,
// indexed_fields and unindexed_fields count every page. `field_overflow` describes the window's
// overflow entry (fields past `max_fields_per_namespace`), null when it holds nothing.
boost::json::object field_usage_response(const namespace_model& ns,
                                         const namespace_window_stats& stats,
                                         const usage_query& query,
                                         std::int64_t max_fields_per_namespace);

// One page of the fields whose count in the analysed window is strictly greater than min_count
// (Mixpeek's ">100 queries/24h" rule) and whose type is known, most used first. `decision`
// gives query_count_24h; `analytics` (when readable) query_count_7d.
boost::json::object index_suggestions_response(
    const namespace_model& ns, const namespace_window_stats& analysed,
    const namespace_window_stats& decision, const namespace_window_stats* analytics,
    const suggestions_query& query,
    std::optional<std::chrono::system_clock::time_point> next_auto_create_run);

}  // namespace index_optimizer
