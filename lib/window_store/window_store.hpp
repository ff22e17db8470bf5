#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "redis/redis_connection.hpp"
#include "window_store/window_spec.hpp"
#include "window_store/window_stats.hpp"

namespace index_optimizer {

// The window counts in Redis (layout: docs/redis-keys.md, "Window counts"). Ingestion adds to
// them (ingest/commit_script); this is everything else: folding and ageing buckets, reading a
// namespace, deleting a namespace's counts. Every change is one atomic Lua step, so any number
// of instances may run these concurrently.
//
// A commit writes a namespace's events to its decision bucket only. Once no commit has touched a
// closed bucket for fold_delay, the sweeper folds it into the decision totals and into the
// analytics window (bucket and totals); when a bucket leaves its window the sweeper subtracts it
// from the totals. A read adds the namespace's few unfolded buckets to its totals.

// How long a closed decision bucket stays open to cheap commits before it is folded: long enough
// that a batch straddling the bucket's end, or a backlog being drained, still finds it unfolded.
std::chrono::milliseconds fold_delay(const config& cfg);

struct sweep_counts {
  std::size_t folded = 0;
  std::array<std::size_t, 2> expired{};  // by window, k_all_windows order
};

// How long one sweep script may run before it stops and lets Redis serve its other clients: the
// admin API's reads wait behind it, and folding one (namespace, bucket) of a namespace with
// hundreds of fields takes milliseconds.
inline constexpr std::chrono::microseconds k_sweep_budget{3000};

// Folds and ages out what is due in `stream`'s windows (by the Redis server's clock). Candidates
// are taken oldest first, at most `step_buckets` of each kind per script call, and a call stops
// after the candidate that takes it past `budget`, so no call blocks Redis for long; the sweep
// stops after `max_steps` calls (the next sweep continues).
redis_result<sweep_counts> sweep_windows(redis_connection& connection, std::string_view key_prefix,
                                         std::string_view stream,
                                         const std::array<window_spec, 2>& windows,
                                         std::chrono::milliseconds fold_delay,
                                         std::size_t step_buckets = 32, std::size_t max_steps = 64,
                                         std::chrono::microseconds budget = k_sweep_budget);

// A namespace's counts over one window, summed over cfg.ingest.streams. Sweeps each stream
// first, so the result is exact as of the call (to the bound in docs/events.md) even if no
// consumer is running. Costs O(the namespace's fields) plus any sweeping that was due.
redis_result<namespace_window_stats> read_namespace_window(redis_connection& connection,
                                                           const config& cfg,
                                                           std::string_view namespace_id,
                                                           window_kind window);

// Removes every window count of a namespace (both windows, every stream), for the namespace API
// to call when a namespace is deleted. Events of the namespace committed after this call (an
// instance still resolving the deleted namespace from its cache, for at most a few seconds) leave
// counts that age out with the window.
redis_result<void> delete_namespace_counts(redis_connection& connection, const config& cfg,
                                           const std::string& namespace_id);

}  // namespace index_optimizer
