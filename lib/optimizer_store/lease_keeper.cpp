#include "optimizer_store/lease_keeper.hpp"

#include "ops/logger.hpp"

namespace index_optimizer {

lease_keeper::lease_keeper(redis_pool& pool, optimizer_keys keys, lease_token token,
                           std::chrono::milliseconds ttl)
    : pool_(pool),
      keys_(std::move(keys)),
      token_(std::move(token)),
      ttl_(ttl),
      last_renewal_(std::chrono::steady_clock::now()) {
  thread_ = std::thread([this] { renew_loop(); });
}

lease_keeper::~lease_keeper() {
  release();
}

bool lease_keeper::held() const {
  std::lock_guard lock(mutex_);
  return !lost_ && !released_ && std::chrono::steady_clock::now() - last_renewal_ < ttl_;
}

bool lease_keeper::renew_once() {
  const auto started = std::chrono::steady_clock::now();
  auto connection = pool_.acquire(ttl_ / 3);
  if (!connection) {
    log_warn("optimizer lease renewal: no redis connection",
             {{"error", connection.error().message}});
    return false;
  }
  auto renewed = renew_lease(**connection, keys_, token_, ttl_);
  std::lock_guard lock(mutex_);
  if (!renewed) {
    log_warn("optimizer lease renewal failed", {{"error", renewed.error().message}});
    return false;
  }
  if (!renewed.value()) {
    if (!lost_) {
      log_warn("optimizer lease lost: another instance holds it now", {{"fence", token_.fence}});
    }
    lost_ = true;
    return false;
  }
  // Measured from before the call: the TTL started no later than that.
  last_renewal_ = started;
  return true;
}

bool lease_keeper::confirm() {
  {
    std::lock_guard lock(mutex_);
    if (lost_ || released_) return false;
  }
  return renew_once() && held();
}

void lease_keeper::renew_loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, ttl_ / 3, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    renew_once();
    lock.lock();
  }
}

void lease_keeper::stop_thread() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void lease_keeper::release() {
  stop_thread();
  {
    std::lock_guard lock(mutex_);
    if (released_) return;
    released_ = true;
    if (lost_) return;
  }
  auto connection = pool_.acquire(ttl_ / 3);
  if (!connection) {
    log_warn("optimizer lease not released (it expires on its own)",
             {{"error", connection.error().message}});
    return;
  }
  if (auto released = release_lease(**connection, keys_, token_); !released) {
    log_warn("optimizer lease not released (it expires on its own)",
             {{"error", released.error().message}});
  }
}

void lease_keeper::mark_released() {
  abandon();
}

void lease_keeper::abandon() {
  stop_thread();
  std::lock_guard lock(mutex_);
  released_ = true;
}

}  // namespace index_optimizer
