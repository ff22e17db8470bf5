#include "redis/redis_pool.hpp"

#include <stdexcept>
#include <utility>

namespace index_optimizer {

using clock = std::chrono::steady_clock;

redis_pool::lease::lease(redis_pool* pool, std::unique_ptr<redis_connection> connection) noexcept
    : pool_(pool), connection_(std::move(connection)) {}

redis_pool::lease::lease(lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), connection_(std::move(other.connection_)) {}

redis_pool::lease& redis_pool::lease::operator=(lease&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::exchange(other.pool_, nullptr);
    connection_ = std::move(other.connection_);
  }
  return *this;
}

redis_pool::lease::~lease() {
  release();
}

void redis_pool::lease::release() noexcept {
  if (pool_ != nullptr && connection_) pool_->give_back(std::move(connection_));
  pool_ = nullptr;
}

redis_pool::redis_pool(redis_endpoint endpoint, redis_pool_options options)
    : endpoint_(std::move(endpoint)), options_(options), backoff_(options.reconnect) {
  if (options_.size == 0) throw std::invalid_argument("redis pool size must be at least 1");
}

redis_pool::~redis_pool() = default;

redis_result<redis_pool::lease> redis_pool::acquire(std::chrono::milliseconds timeout) {
  const auto deadline = clock::now() + timeout;
  std::unique_lock lock(mutex_);
  while (true) {
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return lease(this, std::move(connection));
    }
    if (open_ < options_.size) {
      if (last_connect_error_ && clock::now() < next_connect_at_) {
        const auto wait =
            std::chrono::duration_cast<std::chrono::milliseconds>(next_connect_at_ - clock::now());
        return redis_error{last_connect_error_->code, last_connect_error_->message +
                                                          " (next attempt in " +
                                                          std::to_string(wait.count()) + " ms)"};
      }
      ++open_;  // reserve the slot, connect without holding the lock
      lock.unlock();
      auto connected =
          redis_connection::connect(endpoint_, options_.connect_timeout, options_.command_timeout);
      lock.lock();
      if (connected) {
        backoff_.on_success();
        last_connect_error_.reset();
        return lease(this, std::make_unique<redis_connection>(std::move(*connected)));
      }
      --open_;
      last_connect_error_ = connected.error();
      next_connect_at_ = clock::now() + backoff_.on_failure();
      available_.notify_one();  // the slot is free again for whoever waits
      return connected.error();
    }
    if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.size) {
      return redis_error{redis_errc::pool_exhausted,
                         "all " + std::to_string(options_.size) + " redis connections to " +
                             to_string(endpoint_) + " stayed in use for " +
                             std::to_string(timeout.count()) + " ms"};
    }
  }
}

void redis_pool::give_back(std::unique_ptr<redis_connection> connection) noexcept {
  // A caller may have raised the timeout for a blocking command; the next one expects the
  // default.
  if (!connection->is_broken() && connection->timeout() != options_.command_timeout) {
    (void)connection->set_timeout(options_.command_timeout);
  }
  std::vector<std::unique_ptr<redis_connection>> dropped;
  {
    std::lock_guard lock(mutex_);
    if (connection->is_broken()) {
      // Most breaks mean the server went away (restart, failover); the idle connections are to
      // the same dead server and would each fail one more request, so drop them too.
      dropped = std::move(idle_);
      idle_.clear();
      open_ -= dropped.size() + 1;
      dropped.push_back(std::move(connection));
      available_.notify_all();
    } else {
      idle_.push_back(std::move(connection));
      available_.notify_one();
    }
  }
  // `dropped` closes its sockets here, outside the lock.
}

redis_result<void> redis_pool::ping(std::chrono::milliseconds timeout) {
  auto leased = acquire(timeout);
  if (!leased) return leased.error();
  auto reply = (*leased)->command({"PING"});
  if (!reply) return reply.error();
  if (reply->is_status("PONG")) return {};
  const bool auth =
      reply->is_error_with_prefix("NOAUTH") || reply->is_error_with_prefix("WRONGPASS");
  return redis_error{auth ? redis_errc::auth : redis_errc::server,
                     "redis PING on " + to_string(endpoint_) + " answered " + describe(*reply)};
}

redis_pool::counts redis_pool::stats() const {
  std::lock_guard lock(mutex_);
  return {open_, idle_.size()};
}

}  // namespace index_optimizer
