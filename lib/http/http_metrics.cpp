#include "http/http_metrics.hpp"

#include <string>

namespace index_optimizer::http {

http_metrics::http_metrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("index_optimizer_http_requests_total")
                    .Help("HTTP requests answered, by route template, method and status.")
                    .Register(registry)),
      duration_(prometheus::BuildHistogram()
                    .Name("index_optimizer_http_request_duration_seconds")
                    .Help("Time from a request's last byte read to its response written.")
                    .Register(registry)),
      in_flight_(prometheus::BuildGauge()
                     .Name("index_optimizer_http_requests_in_flight")
                     .Help("HTTP requests being handled right now.")
                     .Register(registry)
                     .Add({})),
      connections_(prometheus::BuildGauge()
                       .Name("index_optimizer_http_open_connections")
                       .Help("Open HTTP connections.")
                       .Register(registry)
                       .Add({})),
      idle_connections_(prometheus::BuildGauge()
                            .Name("index_optimizer_http_idle_connections")
                            .Help("Open HTTP connections waiting for a request (no request "
                                  "being read or handled): the ones closed first at "
                                  "http.max_connections.")
                            .Register(registry)
                            .Add({})),
      rejected_(prometheus::BuildCounter()
                    .Name("index_optimizer_http_rejected_connections_total")
                    .Help("Connections answered 503 and closed because every slot of "
                          "http.max_connections was busy with a request.")
                    .Register(registry)
                    .Add({})),
      evicted_(prometheus::BuildCounter()
                   .Name("index_optimizer_http_evicted_connections_total")
                   .Help("Idle connections closed to admit a new one at http.max_connections.")
                   .Register(registry)
                   .Add({})),
      reserved_slot_refusals_(
          prometheus::BuildCounter()
              .Name("index_optimizer_http_reserved_slot_refusals_total")
              .Help("Requests outside auth.open_paths answered 503 on a connection admitted on a "
                    "slot reserved for them (http.reserved_connections).")
              .Register(registry)
              .Add({})),
      timeouts_(prometheus::BuildCounter()
                    .Name("index_optimizer_http_request_timeouts_total")
                    .Help("Requests past http.request_timeout, by stage: queued (answered 503, "
                          "never ran), running (answered 503, changed nothing), awaited (applying "
                          "changes: answered when done).")
                    .Register(registry)) {}

void http_metrics::request_timeout(std::string_view stage) {
  timeouts_.Add({{"stage", std::string(stage)}}).Increment();
}

void http_metrics::observe(std::string_view route, std::string_view method, unsigned status,
                           double seconds) {
  requests_
      .Add({{"route", std::string(route)},
            {"method", std::string(method)},
            {"status", std::to_string(status)}})
      .Increment();
  static const prometheus::Histogram::BucketBoundaries k_buckets{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  duration_.Add({{"route", std::string(route)}, {"method", std::string(method)}}, k_buckets)
      .Observe(seconds);
}

}  // namespace index_optimizer::http
