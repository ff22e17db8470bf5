#pragma once

#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "namespace_registry/namespace_registry.hpp"
#include "namespace_writer/namespace_writer.hpp"
#include "optimizer/optimizer_metrics.hpp"
#include "optimizer/optimizer_runner.hpp"
#include "optimizer/run_record.hpp"
#include "optimizer_store/lease_keeper.hpp"
#include "optimizer_store/optimizer_keys.hpp"
#include "optimizer_store/run_history.hpp"
#include "qdrant_port/qdrant_gateway.hpp"
#include "redis/redis_pool.hpp"

namespace index_optimizer {

// How the service reports its health; the application forwards both to its health_registry
// component (register it with optimizer_service::stall_limit(cfg)).
struct optimizer_health_hooks {
  std::function<void()> heartbeat;                  // the loop (or a run) is making progress
  std::function<void(std::string)> report_failure;  // Redis unreachable, ...
};

// Tuning the configuration file does not expose; tests shorten the waits.
struct optimizer_service_options {
  std::string instance_id;  // empty: <hostname>-<pid>
  // Longest an idle instance waits before looking at the schedule again (it also wakes at the
  // stored next run time and on trigger()).
  std::chrono::milliseconds poll{std::chrono::seconds(5)};
  // Delay before retrying a scheduled run that failed outright (registry unreachable), capped by
  // optimizer.interval.
  std::chrono::milliseconds failed_run_retry{std::chrono::minutes(1)};
  // After each executed field; tests use it to act mid-run.
  std::function<void(const run_record&, const field_step&)> after_field;
  std::function<std::chrono::system_clock::time_point()> clock;
};

// What POST /v1/optimizer/runs gets back from trigger().
struct trigger_result {
  enum class outcome {
    started,      // this instance holds the lease and runs `run_id`
    busy,         // another run holds the lease (`run_id`: that run, when known)
    unavailable,  // Redis failed, or the service is not running
  };
  outcome what = outcome::unavailable;
  std::string run_id;
  std::string message;
};

// The optimizer as the application owns it: a thread that wakes at the next run time stored in
// Redis (or on trigger()), takes the leader lease, runs the optimizer (optimizer_runner), moves
// the schedule on and releases the lease. Any number of instances may run one each against the
// same Redis: the lease lets one run at a time and the stored schedule lets one run per interval.
class optimizer_service {
 public:
  // `qdrant` may be nullptr (catalog-only); the service only reads through it (version,
  // collections): every index change and namespace write goes through `writer`, the one the
  // namespace API writes through. `redis`, `qdrant`, `writer` and `metrics` must outlive the
  // service.
  optimizer_service(const config& cfg, redis_pool& redis, qdrant_gateway* qdrant,
                    namespace_writer& writer, prometheus::Registry& metrics,
                    optimizer_health_hooks hooks = {}, optimizer_service_options options = {});
  // For callers without a writer to share (tests, tools): a writer of its own over `registry`
  // and `qdrant`, configured by namespace_writer_options_from(cfg). It serialises with every
  // other writer through the namespaces' write locks in Redis. `registry` must outlive the
  // service.
  optimizer_service(const config& cfg, redis_pool& redis, qdrant_gateway* qdrant,
                    namespace_registry& registry, prometheus::Registry& metrics,
                    optimizer_health_hooks hooks = {}, optimizer_service_options options = {});
  ~optimizer_service();  // stop(cfg.shutdown.drain_timeout) if still running
  optimizer_service(const optimizer_service&) = delete;
  optimizer_service& operator=(const optimizer_service&) = delete;

  void start();
  // Ends the loop. A run in progress stops before its next field (interrupted, recorded; the
  // rest is left for the next run). Returns false when the run did not stop within `deadline`:
  // its lease is then abandoned (another instance may take over once it expires) and the call
  // still waits for the Qdrant call in flight, which its own timeouts bound. Idempotent.
  bool stop(std::chrono::milliseconds deadline);

  // An on-demand run: takes the lease now (so a run in progress anywhere answers busy), records
  // the run as running and hands it to the service's thread. `dry_run` nullopt follows
  // optimizer.dry_run; `namespaces` (ids or names) limits the run to those.
  trigger_result trigger(std::optional<bool> dry_run,
                         std::optional<std::vector<std::string>> namespaces);

  // SIGHUP: the optimizer.* and namespaces.max_payload_indexes keys apply from the next run.
  void reconfigure(const config& cfg);

  // The next scheduled run as stored in Redis; nullopt when scheduled runs are disabled or
  // Redis cannot tell. For the analytics suggestions endpoint. Blocks on Redis (call it off the
  // I/O threads).
  std::optional<std::chrono::system_clock::time_point> next_run_at();

  // The run history (newest first), for the API. Records are the stored JSON text.
  redis_result<run_page> history(std::int64_t offset, std::int64_t limit);
  redis_result<std::optional<std::string>> history_entry(std::string_view run_id);

  const std::string& instance_id() const noexcept { return instance_id_; }
  bool catalog_only() const noexcept { return qdrant_ == nullptr; }
  // Whether this instance is executing a run right now.
  bool running() const;

  // Stops renewing the lease of the run in progress without releasing it, as a crashed process
  // would: another instance takes over once it expires and this one's later writes are fenced
  // out. For tests of leader failover.
  void abandon_lease();

  // How long the service may go without a heartbeat while healthy: the idle poll, or the longest
  // single step of a run (an index build with its retries).
  static std::chrono::milliseconds stall_limit(const config& cfg,
                                               const optimizer_service_options& options = {});

 private:
  optimizer_service(const config& cfg, redis_pool& redis, qdrant_gateway* qdrant,
                    std::unique_ptr<namespace_writer> own_writer, namespace_writer* writer,
                    prometheus::Registry& metrics, optimizer_health_hooks hooks,
                    optimizer_service_options options);

  struct pending_run {
    run_record run;
    std::unique_ptr<lease_keeper> lease;
  };

  void loop();
  // One look at the schedule; runs the scheduled run when due. Returns how long to wait.
  std::chrono::milliseconds scheduled_step();
  // Marks a dead leader's run abandoned and records the new run as running (fenced).
  std::optional<run_record> begin_run(lease_keeper& lease, const config& cfg, run_trigger trigger,
                                      bool dry_run,
                                      std::optional<std::vector<std::string>> namespaces);
  run_record execute(pending_run& pending, const config& cfg);
  optimizer_runner make_runner(const config& cfg);
  config snapshot() const;
  std::chrono::system_clock::time_point now() const;
  void heartbeat();
  void report_failure(const std::string& reason);

  mutable std::mutex config_mutex_;
  config cfg_;
  redis_pool& redis_;
  qdrant_gateway* qdrant_;
  std::unique_ptr<namespace_writer> own_writer_;  // the registry constructor's; else null
  namespace_writer* writer_;                      // never null
  optimizer_metrics metrics_;
  optimizer_health_hooks hooks_;
  optimizer_service_options options_;
  optimizer_keys keys_;
  std::string instance_id_;

  mutable std::mutex mutex_;  // guards the members below
  std::condition_variable wake_;
  std::condition_variable idle_;
  bool started_ = false;
  bool stopping_ = false;
  bool executing_ = false;
  std::optional<pending_run> pending_;
  lease_keeper* current_lease_ = nullptr;  // the running run's, while executing_
  std::atomic<bool> stop_run_{false};
  std::thread thread_;
};

}  // namespace index_optimizer
