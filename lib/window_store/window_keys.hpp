#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "window_store/window_spec.hpp"

namespace index_optimizer {

// The Redis Cluster hash tag of a stream, braces included: the stream's own tag when its name has
// one ("io:{events}" -> "{events}"), else the whole name ("events" -> "{events}", which hashes
// like the bare name). The window keys of a stream carry this tag, so one commit touches a single
// slot. docs/redis-keys.md ("Window counts") is the layout.
std::string hash_tag_of(std::string_view stream);

// Hash under the stream's tag: consumer name -> the token of the process consuming under that
// name (ingest/commit_script.hpp), `<prefix><tag>:consumer-tokens`.
std::string consumer_tokens_key(std::string_view key_prefix, std::string_view stream);

// Sorted set under the stream's tag: the fields of one namespace that count towards
// ingest.max_fields_per_namespace (ingest/commit_script.hpp), each scored by when the last bucket
// holding it leaves both windows (unix ms), `<prefix><tag>:win:fields:<namespace_id>`.
std::string field_registry_key(std::string_view key_prefix, std::string_view stream,
                               std::string_view namespace_id);

// Names of the window keys for one stream and one window: `<prefix><tag>:win:<d|a>:...`.
class window_keys {
 public:
  window_keys(std::string_view key_prefix, std::string_view stream, window_kind kind);

  // Hash: the namespace's running totals over the window.
  std::string totals(std::string_view namespace_id) const;
  // Hash: the namespace's counts in the bucket starting at `start_ms`.
  std::string bucket(std::string_view namespace_id, std::int64_t start_ms) const;
  std::string bucket(std::string_view namespace_id, std::string_view start) const;
  // Decision window only. Hash: the bucket's counts while it is unfolded, one running sum per
  // writer (window_store/bucket_log.hpp); the bucket hash receives them when it is folded.
  std::string bucket_log(std::string_view namespace_id, std::string_view start) const;
  // Sorted set: the namespace's bucket starts (member and score), so deleting a namespace finds
  // its buckets without scanning everyone's.
  std::string namespace_buckets(std::string_view namespace_id) const;
  // Sorted set: every bucket of the window, member "<start>:<namespace_id>" scored by start, so
  // the sweeper finds the oldest first.
  std::string due() const;
  // Decision window only. Sorted set: buckets not yet folded into the totals, member
  // "<start>:<namespace_id>" scored by the server time of their last write, so the sweeper folds
  // those no commit has touched for a while.
  std::string unfolded() const;
  // Sorted set: the namespace's unfolded bucket starts (member and score), for readers and for the
  // commit to tell an unfolded bucket from a folded one.
  std::string unfolded(std::string_view namespace_id) const;
  // Hash: member "<start>:<namespace_id>" of a bucket being aged out -> the HSCAN cursor the
  // sweeper goes on from (window_store.cpp).
  std::string expiring() const;

  const std::string& base() const noexcept { return base_; }

 private:
  std::string base_;  // "<prefix><tag>:win:d:"
};

// A member of window_keys::due().
struct due_member {
  std::string start;  // decimal unix ms, exactly as stored
  std::int64_t start_ms = 0;
  std::string namespace_id;

  bool operator==(const due_member&) const = default;
};

std::string format_due_member(std::int64_t start_ms, std::string_view namespace_id);
std::optional<due_member> parse_due_member(std::string_view member);

}  // namespace index_optimizer
