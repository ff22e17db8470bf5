#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "filter_decoder/decode_reason.hpp"
#include "ingest/dead_letter.hpp"
#include "redis/redis_connection.hpp"

namespace index_optimizer {

// Moving dead letters back onto their event stream once their cause is fixed, typically after
// the namespaces they name were created again (docs/operations.md, "Redis restarted empty";
// `index-optimizer --replay-dead-letters`).
//
// Exactly once: each dead letter is moved by one script that deletes it from the dead-letter
// stream and adds its original fields to the event stream, atomically. A dead letter another
// replay moved first is gone, so the script adds nothing; a replay that stops half-way (killed,
// Redis lost) leaves every dead letter either moved or in place. The consumers then count the
// replayed entry like any other, exactly once. Only dead letters kept whole are replayed.

// Which dead letters a replay takes.
struct replay_selection {
  std::vector<decode_reason> reasons{decode_reason::unknown_namespace};
  // When set, only entries whose `namespace` field is exactly this (the id or name they sent).
  std::optional<std::string> namespace_ref;
};

// What a replay does with one dead-letter stream entry, before looking at the registry.
enum class replay_verdict {
  replay,             // selected: moved back if its namespace exists now
  other_reason,       // its reason is not selected
  other_namespace,    // its `namespace` is not the selected one
  prefix_only,        // only a prefix of the entry was kept: nothing to replay
  unknown_stream,     // its source_stream is not one of ingest.streams
  not_a_dead_letter,  // not in the layout the daemon writes
};
inline constexpr std::size_t k_replay_verdicts = 6;

std::string_view to_string(replay_verdict verdict) noexcept;

replay_verdict judge_dead_letter(const std::optional<stored_dead_letter>& dead,
                                 const replay_selection& selection,
                                 std::span<const std::string> streams);

// The `namespace` field of the original entry ("" when it had none).
std::string_view original_namespace(const stored_dead_letter& dead) noexcept;

// The fields the replayed entry is added with: the original ones as they were, plus `ts` (the
// original entry id's milliseconds) when the entry had none, so the event counts at the time it
// was first sent rather than when it was replayed.
std::vector<std::string> replayed_fields(const stored_dead_letter& dead);

struct replay_options {
  replay_selection selection;
  bool dry_run = false;     // count what would be moved, move nothing
  std::uint64_t limit = 0;  // stop after this many moved; 0: no limit
};

struct replay_report {
  std::uint64_t scanned = 0;
  std::uint64_t replayed = 0;           // moved (with dry_run: would be moved)
  std::uint64_t namespace_missing = 0;  // selected, but no namespace has that id or name yet
  std::uint64_t already_moved = 0;      // moved by a concurrent replay between read and move
  std::array<std::uint64_t, k_replay_verdicts> by_verdict{};  // every verdict but `replay`
};

// Replays from the dead-letter stream of every configured stream (each scanned once, up to the
// last entry it held when the replay started, so entries dead-lettered again meanwhile are not
// chased). Redis errors end it; what was moved before stays moved.
redis_result<replay_report> replay_dead_letters(redis_connection& connection, const config& cfg,
                                                const replay_options& options);

// `index-optimizer --replay-dead-letters`: connects with cfg.redis, replays, prints the report to
// `out` (errors to `err`) and returns the exit code (0 done, 1 failed).
int run_dead_letter_replay(const config& cfg, const replay_options& options, std::ostream& out,
                           std::ostream& err);

}  // namespace index_optimizer
