#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstddef>
#include <string_view>

#include "qdrant_client/circuit_breaker.hpp"
#include "qdrant_client/qdrant_retry.hpp"
#include "qdrant_port/qdrant_gateway.hpp"

namespace index_optimizer::qdrant {

// The client's metrics, labelled by operation and outcome only: collection and field names would
// make label cardinality grow with the data. Without a registry every method does nothing.
class qdrant_metrics {
 public:
  // `concurrency_limit`: qdrant.max_concurrent_requests in effect (a gauge beside the one of
  // places in use).
  qdrant_metrics(prometheus::Registry* registry, std::size_t concurrency_limit);

  // One finished call (all its attempts), `outcome` from outcome_label().
  void observe_call(operation op, std::string_view outcome, double seconds);
  void observe_retry(operation op);
  void observe_connection_opened();
  // A call or reservation refused before sending: `reason` is circuit_open or concurrency_limit.
  void observe_rejection(qdrant_error::kind reason);
  void set_circuit_state(circuit_state state);
  void change_places_in_use(int delta);

 private:
  prometheus::Family<prometheus::Counter>* requests_ = nullptr;
  prometheus::Family<prometheus::Histogram>* duration_ = nullptr;
  prometheus::Family<prometheus::Counter>* retries_ = nullptr;
  prometheus::Counter* connections_ = nullptr;
  prometheus::Family<prometheus::Counter>* rejected_ = nullptr;
  prometheus::Family<prometheus::Gauge>* circuit_ = nullptr;
  prometheus::Gauge* places_in_use_ = nullptr;
};

}  // namespace index_optimizer::qdrant
