#pragma once

// When the next scheduled optimizer run is due, persisted in Redis (`P{opt}:next_run_at`, unix
// ms) so that a restart neither skips a run (the time survives) nor repeats one (only a finished
// run moves it on).

#include <chrono>
#include <cstdint>
#include <optional>

#include "optimizer_store/leader_lease.hpp"
#include "optimizer_store/optimizer_keys.hpp"
#include "redis/redis_connection.hpp"

namespace index_optimizer {

// The stored next run time; when none is stored yet (first start of the first instance) stores
// `initial_ms` first (SET NX, so concurrent first starts agree on one value).
redis_result<std::int64_t> read_or_init_next_run(redis_connection& connection,
                                                 const optimizer_keys& keys,
                                                 std::int64_t initial_ms);

// The stored next run time, nullopt when none is stored.
redis_result<std::optional<std::int64_t>> read_next_run(redis_connection& connection,
                                                        const optimizer_keys& keys);

// Fenced: stores `next_ms` only while `token` still holds the lease. false when fenced out.
redis_result<bool> store_next_run(redis_connection& connection, const optimizer_keys& keys,
                                  const lease_token& token, std::int64_t next_ms);

// The run after one that was due at `due_ms` and finished at `now_ms`: the first of
// due + k * interval (k >= 1) later than now, so the cadence stays on its grid and a long
// outage or a long run costs one run, not a burst of catch-up runs.
std::int64_t next_run_after(std::int64_t due_ms, std::int64_t now_ms, std::int64_t interval_ms);

}  // namespace index_optimizer
