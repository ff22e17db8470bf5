#pragma once

// The optimizer's run history in Redis: one JSON record per run (`P{opt}:run:<id>`, expiring
// `optimizer.history_retention` after its last write) and a sorted set of run ids by start time
// (`P{opt}:runs`) for listing newest first. Only the lease holder writes, through a fenced
// script; anyone reads.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "optimizer_store/leader_lease.hpp"
#include "optimizer_store/optimizer_keys.hpp"
#include "redis/redis_connection.hpp"

namespace index_optimizer {

// What a save does to `P{opt}:active`, the run the lease holder is executing: set it to this run
// (at the start), clear it if it names this run (at the end), or leave it.
enum class active_marker { set, clear, keep };

struct run_save {
  run_save(std::string id, std::int64_t started, std::string json, active_marker marker)
      : run_id(std::move(id)), started_ms(started), record(std::move(json)), active(marker) {}

  std::string run_id;
  std::int64_t started_ms = 0;  // the sorted-set score
  std::string record;           // the run's JSON
  active_marker active = active_marker::keep;
  // The final save of a run can also move the schedule on and give the lease up, in the same
  // atomic step: nobody sees the run finished while its lease still blocks the next one, and
  // the schedule never moves without the record saying why.
  std::optional<std::int64_t> next_run_ms;
  bool release_lease = false;
};

// Fenced: writes the record, indexes it, drops index entries older than `retention` before
// `now_ms`, updates the active marker, and (when asked) stores the next run time and deletes
// the lease — all only while `token` holds the lease. false when fenced out (nothing written).
redis_result<bool> save_run(redis_connection& connection, const optimizer_keys& keys,
                            const lease_token& token, const run_save& save,
                            std::chrono::milliseconds retention, std::int64_t now_ms);

// A run's record, nullopt when unknown or expired.
redis_result<std::optional<std::string>> load_run(redis_connection& connection,
                                                  const optimizer_keys& keys,
                                                  std::string_view run_id);

struct run_page {
  std::vector<std::string> records;  // newest first; records that expired meanwhile are left out
  std::int64_t total = 0;            // runs started at or after the cutoff
};

// Runs started at or after `cutoff_ms`, newest first, `offset` and `limit` applied.
redis_result<run_page> list_runs(redis_connection& connection, const optimizer_keys& keys,
                                 std::int64_t cutoff_ms, std::int64_t offset, std::int64_t limit);

// The id in `P{opt}:active`: the run a lease holder started and has not finished (it is still
// running, or its instance died).
redis_result<std::optional<std::string>> active_run(redis_connection& connection,
                                                    const optimizer_keys& keys);

}  // namespace index_optimizer
