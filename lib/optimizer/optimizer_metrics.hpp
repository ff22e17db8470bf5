#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>

#include "base/index_type.hpp"
#include "optimizer/run_record.hpp"

namespace index_optimizer {

// The optimizer's metrics (docs/optimizer.md § Metrics). Label values come from fixed sets
// (outcomes, index types), never from namespaces or fields, so cardinality stays bounded.
class optimizer_metrics {
 public:
  explicit optimizer_metrics(prometheus::Registry& registry);

  // A finished run: its outcome, duration, and (when it succeeded or was partial) the time of
  // the last successful run.
  void run_finished(run_status status, std::chrono::duration<double> duration,
                    std::chrono::system_clock::time_point finished_at);
  // One executed field: created / adopted / failed, by index type.
  void index_result(field_result result, index_type type);
  void next_run(std::chrono::system_clock::time_point at);
  void clear_next_run();  // scheduled runs disabled
  void leader(bool is_leader);

 private:
  prometheus::Family<prometheus::Counter>& runs_;
  prometheus::Histogram& duration_;
  prometheus::Family<prometheus::Counter>& indexes_;
  prometheus::Gauge& last_success_;
  prometheus::Gauge& next_run_;
  prometheus::Gauge& leader_;
};

}  // namespace index_optimizer
