#include "optimizer/optimizer_metrics.hpp"

namespace index_optimizer {
namespace {

double unix_seconds(std::chrono::system_clock::time_point at) {
  return std::chrono::duration<double>(at.time_since_epoch()).count();
}

}  // namespace

optimizer_metrics::optimizer_metrics(prometheus::Registry& registry)
    : runs_(prometheus::BuildCounter()
                .Name("index_optimizer_optimizer_runs_total")
                .Help("Optimizer runs executed by this instance, by outcome (succeeded, partial, "
                      "failed, abandoned, interrupted).")
                .Register(registry)),
      duration_(prometheus::BuildHistogram()
                    .Name("index_optimizer_optimizer_run_duration_seconds")
                    .Help("Duration of optimizer runs executed by this instance.")
                    .Register(registry)
                    .Add({}, prometheus::Histogram::BucketBoundaries{0.1, 0.5, 1, 5, 15, 60, 300,
                                                                     900, 1800, 3600, 7200})),
      indexes_(prometheus::BuildCounter()
                   .Name("index_optimizer_optimizer_indexes_total")
                   .Help("Payload indexes the optimizer created, adopted or failed to add, by "
                         "result and index type.")
                   .Register(registry)),
      last_success_(prometheus::BuildGauge()
                        .Name("index_optimizer_optimizer_last_success_timestamp_seconds")
                        .Help("Unix time this instance last finished a run that was not "
                              "failed, abandoned or interrupted; 0 before the first.")
                        .Register(registry)
                        .Add({})),
      next_run_(prometheus::BuildGauge()
                    .Name("index_optimizer_optimizer_next_run_timestamp_seconds")
                    .Help("Unix time of the next scheduled run as stored in Redis; 0 when "
                          "unknown or scheduling is disabled.")
                    .Register(registry)
                    .Add({})),
      leader_(prometheus::BuildGauge()
                  .Name("index_optimizer_optimizer_leader")
                  .Help("1 while this instance holds the optimizer lease (is running a run).")
                  .Register(registry)
                  .Add({})) {
  for (auto status : {run_status::succeeded, run_status::partial, run_status::failed,
                      run_status::abandoned, run_status::interrupted}) {
    runs_.Add({{"outcome", std::string(to_string(status))}});
  }
}

void optimizer_metrics::run_finished(run_status status, std::chrono::duration<double> duration,
                                     std::chrono::system_clock::time_point finished_at) {
  runs_.Add({{"outcome", std::string(to_string(status))}}).Increment();
  duration_.Observe(duration.count());
  if (status == run_status::succeeded || status == run_status::partial) {
    last_success_.Set(unix_seconds(finished_at));
  }
}

void optimizer_metrics::index_result(field_result result, index_type type) {
  if (result != field_result::created && result != field_result::adopted &&
      result != field_result::failed) {
    return;
  }
  indexes_
      .Add({{"result", std::string(to_string(result))},
            {"index_type", std::string(to_string(type))}})
      .Increment();
}

void optimizer_metrics::next_run(std::chrono::system_clock::time_point at) {
  next_run_.Set(unix_seconds(at));
}

void optimizer_metrics::clear_next_run() {
  next_run_.Set(0);
}

void optimizer_metrics::leader(bool is_leader) {
  leader_.Set(is_leader ? 1 : 0);
}

}  // namespace index_optimizer
