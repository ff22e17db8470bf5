#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "redis/redis_connection.hpp"

namespace index_optimizer {

// Reads under WATCH and returns the writes to apply, or nullopt to write nothing (for example
// when a precondition such as an If-Match ETag does not hold). It may issue reads on the
// connection it is given; it must not issue MULTI/EXEC/WATCH/UNWATCH itself.
using optimistic_update_builder =
    std::function<std::optional<std::vector<redis_command>>(redis_connection&)>;

// Optimistic concurrency: WATCH watch_keys, call build_commands, then MULTI <commands> EXEC in
// one round trip. When another client changed a watched key in between, EXEC returns nil and
// the whole cycle (including build_commands, which must re-read) is retried, up to max_attempts
// times in total.
//
// Returns true when the commands were committed (or build_commands returned an empty list),
// false when build_commands returned nullopt (nothing written). Errors: redis_errc::conflict
// when every attempt conflicted; redis_errc::server when the transaction was rejected
// (EXECABORT) or one of its commands failed (say WRONGTYPE); io/timeout when the connection
// failed, including during build_commands.
redis_result<bool> optimistic_update(redis_connection& connection,
                                     std::span<const std::string> watch_keys,
                                     const optimistic_update_builder& build_commands,
                                     int max_attempts);

}  // namespace index_optimizer
