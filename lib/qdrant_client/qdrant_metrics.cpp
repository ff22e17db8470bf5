#include "qdrant_client/qdrant_metrics.hpp"

#include <string>

namespace index_optimizer::qdrant {

qdrant_metrics::qdrant_metrics(prometheus::Registry* registry, std::size_t concurrency_limit) {
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
  rejected_ = &prometheus::BuildCounter()
                   .Name("index_optimizer_qdrant_rejected_total")
                   .Help(
                       "Qdrant calls and reservations refused before anything was sent, by reason: "
                       "circuit_open (the circuit breaker is open) or concurrency_limit "
                       "(qdrant.max_concurrent_requests callers already wait on Qdrant).")
                   .Register(*registry);
  circuit_ = &prometheus::BuildGauge()
                  .Name("index_optimizer_qdrant_circuit_state")
                  .Help(
                      "The Qdrant circuit breaker's state: 1 for the current one of closed, open, "
                      "half_open.")
                  .Register(*registry);
  set_circuit_state(circuit_state::closed);
  places_in_use_ = &prometheus::BuildGauge()
                        .Name("index_optimizer_qdrant_concurrent_callers")
                        .Help("Threads holding one of the places for waiting on Qdrant.")
                        .Register(*registry)
                        .Add({});
  prometheus::BuildGauge()
      .Name("index_optimizer_qdrant_max_concurrent_callers")
      .Help("qdrant.max_concurrent_requests in effect: more callers are refused at once.")
      .Register(*registry)
      .Add({})
      .Set(static_cast<double>(concurrency_limit));
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

namespace index_optimizer::qdrant {

void qdrant_metrics::observe_rejection(qdrant_error::kind reason) {
  if (rejected_ != nullptr)
    rejected_->Add({{"reason", std::string(to_string(reason))}}).Increment();
}

void qdrant_metrics::set_circuit_state(circuit_state state) {
  if (circuit_ == nullptr) return;
  for (const auto each : {circuit_state::closed, circuit_state::open, circuit_state::half_open}) {
    circuit_->Add({{"state", std::string(to_string(each))}}).Set(each == state ? 1.0 : 0.0);
  }
}

void qdrant_metrics::change_places_in_use(int delta) {
  if (places_in_use_ != nullptr) places_in_use_->Increment(static_cast<double>(delta));
}

}  // namespace index_optimizer::qdrant
