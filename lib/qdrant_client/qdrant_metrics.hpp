#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string_view>

#include "qdrant_client/qdrant_retry.hpp"

namespace index_optimizer::qdrant {

// The client's metrics, labelled by operation and outcome only: collection and field names would
// make label cardinality grow with the data. Without a registry every method does nothing.
class qdrant_metrics {
 public:
  explicit qdrant_metrics(prometheus::Registry* registry);

  // One finished call (all its attempts), `outcome` from outcome_label().
  void observe_call(operation op, std::string_view outcome, double seconds);
  void observe_retry(operation op);
  void observe_connection_opened();

 private:
  prometheus::Family<prometheus::Counter>* requests_ = nullptr;
  prometheus::Family<prometheus::Histogram>* duration_ = nullptr;
  prometheus::Family<prometheus::Counter>* retries_ = nullptr;
  prometheus::Counter* connections_ = nullptr;
};

}  // namespace index_optimizer::qdrant
