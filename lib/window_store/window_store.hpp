#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "redis/redis_connection.hpp"
#include "window_store/window_spec.hpp"
#include "window_store/window_stats.hpp"

namespace index_optimizer {

// The window counts in Redis (layout: docs/redis-keys.md, "Window counts"). Ingestion adds to
// them (ingest/commit_script); this is everything else: ageing buckets out, reading a namespace,
// deleting a namespace's counts. Every call is a few round trips on the caller's connection and
// every change is one atomic Lua step, so any number of instances may run them concurrently.

// Ages out the buckets of `stream`'s window that have left it (by the Redis server's clock),
// subtracting each from its namespace's running totals in the same atomic step. Returns how many
// buckets were removed. Buckets are taken oldest first, `step_buckets` per script call, so no
// call blocks Redis for long; it stops after `max_steps` calls (the next sweep continues).
redis_result<std::size_t> sweep_window(redis_connection& connection, std::string_view key_prefix,
                                       std::string_view stream, const window_spec& window,
                                       std::size_t step_buckets = 32, std::size_t max_steps = 64);

// A namespace's counts over one window, summed over cfg.ingest.streams. Sweeps each stream's
// window first, so the result is exact as of the call (to the bound in docs/events.md) even if no
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
