#pragma once

#include <string>
#include <system_error>
#include <type_traits>

#include "base/value_or_error.hpp"

namespace index_optimizer {

// Why a Redis call produced no reply. A server `-ERR ...` answer to a command is NOT one of these:
// it is a redis_reply of kind error, and the connection stays usable. These are failures of the
// call itself; after io/timeout/protocol the connection is broken and must be dropped.
enum class redis_errc {
  io = 1,            // connect refused, read/write failed, server closed the connection
  timeout,           // connect or command exceeded its timeout (the reply may still be in flight)
  protocol,          // the bytes on the wire were not RESP2 (or the reader ran out of memory)
  auth,              // AUTH was rejected on connect: the configured credentials are wrong
  server,            // a step that must succeed got an error reply (SELECT, EXECABORT, ...)
  pool_exhausted,    // every pooled connection stayed in use until the acquire timeout
  conflict,          // optimistic update gave up: the watched keys kept changing
  invalid_argument,  // the call itself was malformed (empty command, zero timeout)
};

const std::error_category& redis_category() noexcept;
std::error_code make_error_code(redis_errc code) noexcept;

struct redis_error {
  redis_errc code;
  std::string message;  // operator-facing, never contains a password

  std::error_code error_code() const noexcept { return make_error_code(code); }
};

// Value-or-redis_error (see value_or_error.hpp).
template <class T>
using redis_result = value_or_error<T, redis_error>;

}  // namespace index_optimizer

template <>
struct std::is_error_code_enum<index_optimizer::redis_errc> : std::true_type {};
