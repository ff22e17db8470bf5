#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string_view>

namespace index_optimizer::http {

// Request metrics labelled by route template (never the raw path: identifiers in paths would make
// label cardinality unbounded), method and status.
class http_metrics {
 public:
  explicit http_metrics(prometheus::Registry& registry);

  void observe(std::string_view route, std::string_view method, unsigned status, double seconds);
  prometheus::Gauge& in_flight() { return in_flight_; }
  prometheus::Gauge& open_connections() { return connections_; }
  prometheus::Gauge& idle_connections() { return idle_connections_; }
  prometheus::Counter& rejected_connections() { return rejected_; }
  prometheus::Counter& evicted_connections() { return evicted_; }
  prometheus::Counter& reserved_slot_refusals() { return reserved_slot_refusals_; }
  // A request answered 503 at http.request_timeout (`stage` queued: its handler never ran;
  // running: it ran and had changed nothing), or whose deadline passed while its handler was
  // applying changes (awaited: its own answer is sent when it finishes).
  void request_timeout(std::string_view stage);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Gauge& in_flight_;
  prometheus::Gauge& connections_;
  prometheus::Gauge& idle_connections_;
  prometheus::Counter& rejected_;
  prometheus::Counter& evicted_;
  prometheus::Counter& reserved_slot_refusals_;
  prometheus::Family<prometheus::Counter>& timeouts_;
};

}  // namespace index_optimizer::http
