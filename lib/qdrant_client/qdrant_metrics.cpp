#include "qdrant_client/qdrant_metrics.hpp"

#include <string>

namespace index_optimizer::qdrant {

qdrant_metrics::qdrant_metrics(prometheus::Registry* registry) {
  if (registry == nullptr) return;
  requests_ = &prometheus::BuildCounter()
                   .Name("index_optimizer_qdrant_requests_total")
                   .Help("Qdrant calls finished, by operation and outcome (after retries).")
                   .Register(*registry);
  duration_ = &prometheus::BuildHistogram()
                   .Name("index_optimizer_qdrant_request_duration_seconds")
                   .Help("Time a Qdrant call took, including its retries and backoff.")
                   .Register(*registry);
  retries_ = &prometheus::BuildCounter()
                  .Name("index_optimizer_qdrant_retries_total")
                  .Help("Qdrant requests sent again after a transient failure, by operation.")
                  .Register(*registry);
  connections_ = &prometheus::BuildCounter()
                      .Name("index_optimizer_qdrant_connections_opened_total")
                      .Help(
                          "Connections opened to Qdrant; far above the pool size means "
                          "keep-alive is not working.")
                      .Register(*registry)
                      .Add({});
}

void qdrant_metrics::observe_call(operation op, std::string_view outcome, double seconds) {
  if (requests_ == nullptr) return;
  const std::string op_label(to_string(op));
  requests_->Add({{"operation", op_label}, {"outcome", std::string(outcome)}}).Increment();
  // Up to ten minutes: index builds wait for qdrant.index_timeout.
  static const prometheus::Histogram::BucketBoundaries k_buckets{
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};
  duration_->Add({{"operation", op_label}}, k_buckets).Observe(seconds);
}

void qdrant_metrics::observe_retry(operation op) {
  if (retries_ != nullptr) retries_->Add({{"operation", std::string(to_string(op))}}).Increment();
}

void qdrant_metrics::observe_connection_opened() {
  if (connections_ != nullptr) connections_->Increment();
}

}  // namespace index_optimizer::qdrant
