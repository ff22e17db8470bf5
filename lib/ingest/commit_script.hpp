#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "ingest/batch_aggregate.hpp"
#include "redis/redis_connection.hpp"

namespace index_optimizer {

// The outcome of one commit: either applied in full (counts added, entries acknowledged, dead
// letters written) or, when some entry of the batch is no longer pending for this consumer,
// nothing at all.
struct commit_outcome {
  bool applied = false;
  std::string stale_id;  // when not applied: the first entry found no longer ours
  std::int64_t acked = 0;
  // Events of the batch the script found late by the Redis server's clock, per window.
  std::array<std::uint64_t, 2> late_events{};
};

// Runs the commit script: one atomic Redis step (a Lua script runs to completion with nothing
// interleaved, and is replicated and written to the AOF as one MULTI/EXEC).
//
// Ownership check. Before writing anything the script asks XPENDING for this consumer's pending
// entries between the batch's lowest and highest id (one call; entries outside the batch may be
// listed too, and an id missing from a full page is re-checked with a one-entry XPENDING). If any
// entry of the batch is not pending for this consumer — another instance reclaimed it with
// XAUTOCLAIM after it sat idle past ingest.reclaim_idle, or it was already acknowledged — the
// script returns at once without a write. Reclaiming moves an entry to the claimer's pending list,
// and only the owner's commit acknowledges it (in the same step that adds its counts), so an entry
// is counted by exactly one commit however deliveries, reclaims and crashes interleave. XCLAIM
// JUSTID was rejected as the check: it would take entries back from the instance that reclaimed
// them instead of telling us we lost them.
//
// Every write that can fail on bad input is avoided by construction (zero increments are never
// sent, dead letters carry a bounded number of fields), so a started script runs to its end.
redis_result<commit_outcome> commit_batch(redis_connection& connection,
                                          const commit_request& request);

// The same commit, pipelined: SCRIPT LOAD once per connection, then append_commit() queues an
// EVALSHA that the caller flushes, and parse_commit_reply() reads its reply when it arrives
// (NOSCRIPT, after a SCRIPT FLUSH, comes back as an error: the caller reconnects).
redis_result<void> load_commit_script(redis_connection& connection);
redis_result<void> append_commit(redis_connection& connection, const commit_request& request);
redis_result<commit_outcome> parse_commit_reply(const redis_reply& reply);

}  // namespace index_optimizer
