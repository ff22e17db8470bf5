#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "base/backoff.hpp"
#include "redis/redis_connection.hpp"
#include "redis/redis_endpoint.hpp"

namespace index_optimizer {

struct redis_pool_options {
  std::size_t size = 8;  // most connections open at once (idle + leased)
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds command_timeout{2000};
  backoff_policy reconnect{};  // after a failed connect, callers fail fast for this long
};

// A bounded pool of connections for threads that each need one for a short while (HTTP
// handlers on a worker pool, readiness checks). Connections are opened lazily, a broken one is
// dropped when its lease ends, and after a failed connect further connects wait out a backoff
// during which acquire fails at once with the last connect error instead of piling up callers.
// Thread-safe. The pool must outlive its leases.
class redis_pool {
 public:
  // Exclusive use of one connection; hands it back (or drops it if broken) on destruction.
  class lease {
   public:
    lease(lease&& other) noexcept;
    lease& operator=(lease&& other) noexcept;
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    ~lease();

    redis_connection& operator*() const noexcept { return *connection_; }
    redis_connection* operator->() const noexcept { return connection_.get(); }

   private:
    friend class redis_pool;
    lease(redis_pool* pool, std::unique_ptr<redis_connection> connection) noexcept;
    void release() noexcept;

    redis_pool* pool_ = nullptr;
    std::unique_ptr<redis_connection> connection_;
  };

  struct counts {
    std::size_t open = 0;  // idle + leased + being connected
    std::size_t idle = 0;
  };

  redis_pool(redis_endpoint endpoint, redis_pool_options options = {});
  redis_pool(const redis_pool&) = delete;
  redis_pool& operator=(const redis_pool&) = delete;
  ~redis_pool();

  // An idle connection, or a new one when fewer than `size` are open, or the next one handed
  // back within `timeout` (redis_errc::pool_exhausted otherwise). Opening a connection may take
  // up to connect_timeout on top. While in reconnect backoff, fails at once with the last
  // connect error.
  redis_result<lease> acquire(std::chrono::milliseconds timeout);

  // PING through the pool, for readiness: fails unless the server answers PONG (a server still
  // loading its dataset answers -LOADING and is not ready).
  redis_result<void> ping(std::chrono::milliseconds timeout);

  counts stats() const;

 private:
  void give_back(std::unique_ptr<redis_connection> connection) noexcept;

  const redis_endpoint endpoint_;
  const redis_pool_options options_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<redis_connection>> idle_;
  std::size_t open_ = 0;
  reconnect_backoff backoff_;
  std::chrono::steady_clock::time_point next_connect_at_{};
  std::optional<redis_error> last_connect_error_;
};

}  // namespace index_optimizer
