#pragma once

// Keys that hold their owner's random token with a TTL: locks and leases (`SET key token NX PX`).
// The owner extends or deletes such a key only while it still holds the owner's token, so an
// owner whose TTL ran out can never extend or delete its successor's key.

#include <chrono>
#include <string>
#include <string_view>

#include "redis/redis_connection.hpp"

namespace index_optimizer {

// 32 lowercase hex characters from std::random_device.
std::string random_token();

// PEXPIRE key ttl if the key holds `token`: true when extended, false when it holds another
// token or none.
redis_result<bool> renew_owned_key(redis_connection& connection, std::string_view key,
                                   std::string_view token, std::chrono::milliseconds ttl);

// DEL key if it holds `token`: true when deleted, false when it holds another token or none.
redis_result<bool> release_owned_key(redis_connection& connection, std::string_view key,
                                     std::string_view token);

}  // namespace index_optimizer
