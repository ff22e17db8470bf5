#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "namespace_writer/namespace_writer.hpp"
#include "optimizer/optimizer_metrics.hpp"
#include "optimizer/run_record.hpp"
#include "optimizer_store/lease_keeper.hpp"
#include "optimizer_store/optimizer_keys.hpp"
#include "optimizer_store/run_history.hpp"
#include "qdrant_port/qdrant_gateway.hpp"
#include "redis/redis_pool.hpp"

namespace index_optimizer {

// What a run reads and writes. Everything must outlive the runner.
struct optimizer_run_environment {
  const config* cfg = nullptr;  // window spec and streams (read_namespace_window), timeouts
  redis_pool* redis = nullptr;
  // Lists the namespaces and claims indexes: the one path that changes Qdrant's indexes and
  // stores namespaces, shared with the namespace API.
  namespace_writer* writer = nullptr;
  qdrant_gateway* qdrant = nullptr;      // reads only (version, collections); nullptr: catalog-only
  optimizer_metrics* metrics = nullptr;  // may be null
  optimizer_keys keys{"io:"};
  std::function<std::chrono::system_clock::time_point()> clock;
  // Called after each executed field (created, adopted, failed...) with the record so far; the
  // service heartbeats its health component here. Tests use it to act mid-run.
  std::function<void(const run_record&, const field_step&)> after_field;
  // Called between steps (each namespace gathered, each field executed): the run is alive.
  std::function<void()> heartbeat;
};

// Executes one run while holding the lease. A run is:
// 1. probe Qdrant's version (for version-dependent params);
// 2. list the namespaces; keep those with auto_create_indexes (and, when the request names some,
//    only those — the others named are recorded as skipped);
// 3. per namespace: read its decision window and Qdrant's collection info (a failure is recorded
//    for that namespace, the others go on);
// 4. plan (plan_run) and record the plan;
// 5. unless dry run, per planned field, one namespace_writer update: under the namespace's write
//    lock it re-reads the namespace and Qdrant's payload_schema (a field indexed meanwhile is
//    adopted or skipped, never built twice, decide_claim), confirms the lease, PUTs the index
//    (wait=true), confirms the lease again, then stores the namespace with the index added (with
//    its auto_created record). Only an index Qdrant reports `completed` (or already shows) is
//    listed; a Qdrant or registry failure is recorded for the field and retried by the next run;
//    an index Qdrant built but the run could not list stays there for the next run to adopt;
// 6. record the outcome.
// The record is saved (fenced by the lease) after the plan, after each executed field and at the
// end; when a save finds the lease gone, the run stops as abandoned.
class optimizer_runner {
 public:
  explicit optimizer_runner(optimizer_run_environment environment);

  // `run` arrives saved with status running. Returns the final record, not yet saved as final:
  // the caller does that with finish(). `stop` makes the run end as interrupted before its next
  // field. An abandoned run (lease lost) is not saved again: its successor marks it.
  run_record execute(run_record run, lease_keeper& lease, const std::atomic<bool>& stop);

  // Saves `run` through the fenced script; false when the lease is no longer ours.
  bool save(const run_record& run, lease_keeper& lease, active_marker active) const;

  // The final save, in one fenced step: the record, the active marker cleared, the next run
  // time when given, and the lease deleted. Falls back to releasing the lease when Redis
  // failed. Abandoned runs only give the lease back (if still theirs).
  void finish(const run_record& run, lease_keeper& lease,
              std::optional<std::int64_t> next_run_ms) const;

 private:
  std::vector<namespace_plan_input> gather(run_record& run, std::vector<namespace_model> spaces);
  void execute_namespace(run_record& run, namespace_run& ns, lease_keeper& lease,
                         const std::atomic<bool>& stop, bool& lost, bool& interrupted);
  void claim(const namespace_run& ns, field_step& step, lease_keeper& lease, bool& lost);

  optimizer_run_environment env_;
};

}  // namespace index_optimizer
