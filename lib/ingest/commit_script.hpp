#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "ingest/batch_aggregate.hpp"
#include "redis/redis_connection.hpp"

namespace index_optimizer {

// What a commit reports about a namespace's field cap: for each namespace of the batch that
// refused a field, or whose registry holds at least half of ingest.max_fields_per_namespace.
struct field_cap_report {
  std::string namespace_id;
  std::int64_t fields = 0;                // in the namespace's field registry after the commit
  std::int64_t refused_paths = 0;         // distinct paths of the batch counted as overflow
  std::int64_t refused_observations = 0;  // their counts, now in the overflow entry

  bool operator==(const field_cap_report&) const = default;
};

// How a commit confirmed that its entries were still the consumer's.
enum class ownership_check {
  by_walk,   // XPENDING over the batch's id range, every id confirmed
  by_count,  // the consumer's pending count equals what it holds
  // Confirmed by count, yet some entry was no longer pending at all: something outside the
  // daemon changed the consumer's pending list (see below). Applied anyway; to be reported.
  mismatch,
};

// The outcome of one commit: either applied in full (counts added, entries acknowledged, dead
// letters written) or, when some entry of the batch is no longer pending for this consumer or
// another process has taken over the consumer name, nothing at all.
struct commit_outcome {
  bool applied = false;
  // When not applied: the first entry found no longer ours, or nothing and `fenced`.
  std::string stale_id;
  bool fenced = false;
  ownership_check ownership = ownership_check::by_walk;
  std::int64_t acked = 0;
  // Events of the batch the script found late by the Redis server's clock, per window.
  std::array<std::uint64_t, 2> late_events{};
  // The decision buckets (0-based, in the order batch_aggregate::encode wrote them) whose writer
  // sum the commit replaced by the one sent: the consumer's writer_sums may take the batch in.
  std::vector<std::size_t> synced_buckets;
  // Those whose writer sum the commit left as it was (the batch's counts, with refused fields
  // remapped, went to a side sum): the consumer's view of them stays. It forgets the others.
  std::vector<std::size_t> kept_buckets;
  std::vector<field_cap_report> field_caps;
};

// Runs the commit script: one atomic Redis step (a Lua script runs to completion with nothing
// interleaved, and is replicated and written to the AOF as one MULTI/EXEC).
//
// Ownership check. Before writing anything the script confirms that every entry of the batch is
// still pending for this consumer. If one is not — another instance reclaimed it with XAUTOCLAIM
// after it sat idle past ingest.reclaim_idle, or it was already acknowledged — the script returns
// at once without a write. Reclaiming moves an entry to the claimer's pending list, and only the
// owner's commit acknowledges it (in the same step that adds its counts), so an entry is counted
// by exactly one commit however deliveries, reclaims and crashes interleave. Two ways to confirm:
//
// - By walk (always correct on its own): XPENDING for this consumer between the batch's lowest
//   and highest id (one call; entries outside the batch may be listed too, and an id missing from
//   a full page is re-checked with a one-entry XPENDING). Costs about 0.55 us of Redis per entry,
//   most of it turning XPENDING's reply into Lua tables.
// - By count (O(consumers of the group), used whenever it can decide): the consumer sends how
//   many entries it holds unacknowledged — the batch plus what it has read ahead — and the script
//   compares that with the consumer's pending count (XPENDING's summary form). Entries join a
//   consumer's pending list only through XREADGROUP or XCLAIM/XAUTOCLAIM *naming that consumer*,
//   which only this process does for its name, taking in everything they return before its next
//   commit; so the pending list is a subset of what the process holds, and equal counts mean equal
//   sets: nothing was taken. Anything that removes an entry (a reclaim, XACK, XGROUP
//   DELCONSUMER, XAUTOCLAIM dropping a deleted entry) lowers the count and falls back to the walk.
//   The process sends -1 while it cannot tell (re-reading its own pending list after a
//   (re)connect or a stale commit): then the walk decides.
//
// The count relies on one process per consumer name. A token makes that hold: every (re)connect
// stores a fresh random token for the consumer name in the stream's token hash (`consumer_tokens`,
// docs/redis-keys.md), and a commit carrying another token than the stored one is *fenced*: it
// writes nothing, and the consumer reconnects (taking the name back). So a second process started
// with the same name — a zombie and its replacement, a copy-pasted config — stops the first one's
// writes the moment it connects, and neither can remove entries the other holds. An operator's
// XCLAIM naming a daemon's consumer as the new owner is the one way left to add entries behind
// its back; should that coincide with entries being taken, XACK acknowledges fewer entries than
// the batch holds and the outcome says `mismatch` (docs/events.md, "Exactness").
//
// XCLAIM JUSTID was rejected as the check: it would take entries back from the instance that
// reclaimed them instead of telling us we lost them.
//
// Field cap. Each stream keeps, per namespace, a registry of the fields counted in its windows
// (`win:fields:<ns>`, docs/redis-keys.md), scored by when the last bucket holding the field
// leaves both windows. The script looks every path of the batch up there before it counts: a
// known field is counted as always; a new one is registered while the registry holds fewer than
// ingest.max_fields_per_namespace fields, and refused once it holds that many — its counts move
// to the namespace's overflow entry (window_stats.hpp, k_overflow_path), so nothing is dropped
// and nothing grows without bound. The check and the counting are one atomic step, so the cap is
// exact however many consumers commit at once. Refused fields keep no identity (their samples
// become the overflow entry's). The sweeper drops a field from the registry when its last
// bucket leaves both windows, which frees its slot for the next new field; events a field had
// while refused stay in the overflow entry.
//
// Cost. The script's work grows with the batch's distinct paths (the consumer bounds them per
// commit, k_commit_max_paths) and never with a bucket's: a writer sum is stored whole, a stored
// sum is never decoded here (window_lua's log_write), and an entry is decoded only when it holds
// a refused path.
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
