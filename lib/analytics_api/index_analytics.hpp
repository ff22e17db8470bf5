#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "namespace_model/namespace_model.hpp"
#include "validation_error/validation_error.hpp"
#include "window_store/window_spec.hpp"
#include "window_store/window_stats.hpp"

namespace index_optimizer {

// The Mixpeek index-analytics responses (FieldUsageResponse, IndexSuggestionsResponse) built from
// a namespace and its window counts. Pure: the HTTP handlers read Redis and call these.

struct usage_query {
  window_kind window = window_kind::decision;
  std::string period;  // as the client wrote it ("24h", "7d"), echoed in the response
  std::uint64_t min_count = 1;
};

struct suggestions_query {
  window_kind window = window_kind::decision;
  std::string analysis_period;  // "24h", "7d"
  std::uint64_t min_count = 100;
};

// `period` ^(\d+h|\d+d)$ (default 24h) must name one of the configured windows (window.length,
// window.analytics_length): counts exist for those windows only. min_count 1..10000 (default 1).
validation_result<usage_query> parse_usage_query(const std::map<std::string, std::string>& query,
                                                 const window_config& windows);

// `hours` 1..720 (default 24) must equal one of the configured windows' lengths; min_count
// 1..10000 (default 100).
validation_result<suggestions_query> parse_suggestions_query(
    const std::map<std::string, std::string>& query, const window_config& windows);

// Fields with count >= min_count, most used first.
boost::json::object field_usage_response(const namespace_model& ns,
                                         const namespace_window_stats& stats,
                                         const usage_query& query);

// Fields whose count in the analysed window is strictly greater than min_count (Mixpeek's
// ">100 queries/24h" rule) and whose type is known, most used first. `decision` gives
// query_count_24h; `analytics` (when readable) query_count_7d.
boost::json::object index_suggestions_response(
    const namespace_model& ns, const namespace_window_stats& analysed,
    const namespace_window_stats& decision, const namespace_window_stats* analytics,
    const suggestions_query& query,
    std::optional<std::chrono::system_clock::time_point> next_auto_create_run);

}  // namespace index_optimizer
