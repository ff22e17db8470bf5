#pragma once

// The optimizer's leader lease in Redis: at most one instance runs the optimizer at a time.
// `SET P{opt}:lease <token> NX PX <ttl>`, where the token carries a fencing number from
// `INCR P{opt}:fence`, so every grant has a higher number than the last. Every write the leader
// makes to the optimizer's keys goes through a script that first compares the stored token with
// its own (see run_history, run_schedule): a leader that stalled past its TTL (a long pause, a
// lost network) and was replaced writes nothing, because the key now holds its successor's
// higher-fenced token.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "optimizer_store/optimizer_keys.hpp"
#include "redis/redis_connection.hpp"

namespace index_optimizer {

// "<fence>:<nonce>:<instance_id>" as stored in the lease key.
struct lease_token {
  std::int64_t fence = 0;
  std::string instance_id;
  std::string value;  // the whole stored token, what the fenced scripts compare

  friend bool operator==(const lease_token&, const lease_token&) = default;
};

std::optional<lease_token> parse_lease_token(std::string_view value);

struct lease_holder {
  lease_token token;
  std::chrono::milliseconds remaining{0};  // PTTL when read
};

struct lease_acquisition {
  std::optional<lease_token> granted;  // ours, when the lease was free
  std::optional<lease_holder> holder;  // whoever holds it otherwise (nullopt if it just expired)
};

// One atomic attempt: when the lease is free, takes the next fence number and stores our token
// with `ttl`; otherwise reports the holder.
redis_result<lease_acquisition> try_acquire_lease(redis_connection& connection,
                                                  const optimizer_keys& keys,
                                                  std::string_view instance_id,
                                                  std::chrono::milliseconds ttl);

// Extends the lease to `ttl` from now if it is still ours; false when another token is stored
// (ours expired and someone took over) or none is.
redis_result<bool> renew_lease(redis_connection& connection, const optimizer_keys& keys,
                               const lease_token& token, std::chrono::milliseconds ttl);

// Deletes the lease if it is still ours (never a successor's); false when it was not.
redis_result<bool> release_lease(redis_connection& connection, const optimizer_keys& keys,
                                 const lease_token& token);

// The current holder, if any.
redis_result<std::optional<lease_holder>> read_lease(redis_connection& connection,
                                                     const optimizer_keys& keys);

// The fence counter's current value (the number of grants ever made), 0 when none.
redis_result<std::int64_t> read_fence(redis_connection& connection, const optimizer_keys& keys);

}  // namespace index_optimizer
