#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "base/index_type.hpp"
#include "filter_decoder/condition_kind.hpp"

namespace index_optimizer {

// What the decision window knows about one field of one namespace: the planner's whole input
// about a field, and the evidence recorded with each decision. Filled from the window store; the
// optimizer defines its own struct so that the planner stays a function over plain values.
struct field_evidence {
  std::string path;         // Qdrant's payload path (`a.b`, `items[].sku`)
  std::uint64_t count = 0;  // filter queries in the decision window (24 h)
  // Observations per index type read from the conditions; `unknown` counts conditions whose
  // type could not be read (templates, exists/is_null, regex).
  std::map<index_type, std::uint64_t> type_votes;
  condition_kinds kinds = 0;       // every condition kind seen in the window
  std::int64_t first_seen_ms = 0;  // unix ms, 0 when unknown
  std::int64_t last_seen_ms = 0;   // unix ms, 0 when unknown
  std::string sample_filter;       // one filter that used the field (compact JSON, may be cut)
  std::optional<double> avg_latency_ms;  // from events that carried latency_ms
  std::optional<double> p95_latency_ms;

  friend bool operator==(const field_evidence&, const field_evidence&) = default;
};

// {"count", "type_votes": {"keyword": 120, ...}, "condition_kinds": ["match", ...],
//  "first_seen_at", "last_seen_at" (RFC 3339 or null), "sample_filter" (the filter as JSON
//  when it parses, else the text), "avg_latency_ms", "p95_latency_ms"}. The path is the
// decision's field_name, so it is not repeated.
boost::json::object to_json(const field_evidence& evidence);

}  // namespace index_optimizer
