#include "namespace_registry/namespace_lock.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <stop_token>
#include <thread>

#include "ops/logger.hpp"
#include "redis/owned_key.hpp"

namespace index_optimizer {
namespace {

registry_error unavailable(const redis_error& error) {
  return {registry_errc::unavailable, "redis: " + error.message, std::nullopt};
}

// 1 renewed, 0 not ours any more, nullopt when Redis could not be asked.
std::optional<long long> renew_once(redis_pool& pool, const std::string& key,
                                    const std::string& token,
                                    const namespace_lock_options& options) {
  auto lease = pool.acquire(options.acquire_timeout);
  if (!lease) return std::nullopt;
  auto renewed = renew_owned_key(**lease, key, token, options.lease);
  if (!renewed) return std::nullopt;
  return renewed.value() ? 1 : 0;
}

}  // namespace

struct namespace_lock::renewal {
  std::atomic<bool> lost{false};
  std::jthread thread;  // declared last: stopped and joined before `lost` goes away
};

namespace_lock::namespace_lock(redis_pool* pool, std::string key, std::string token,
                               namespace_lock_options options)
    : pool_(pool), key_(std::move(key)), token_(std::move(token)), options_(options) {}

registry_result<namespace_lock> namespace_lock::acquire(redis_pool& pool, std::string key,
                                                        const namespace_lock_options& options) {
  const std::string token = random_token();
  const std::string lease_ms = std::to_string(options.lease.count());
  const auto deadline = std::chrono::steady_clock::now() + options.wait;
  std::chrono::milliseconds pause{5};
  std::minstd_rand jitter(std::random_device{}());
  while (true) {
    {
      auto lease = pool.acquire(options.acquire_timeout);
      if (!lease) return unavailable(lease.error());
      auto reply = (*lease)->command({"SET", key, token, "NX", "PX", lease_ms});
      if (!reply) return unavailable(reply.error());
      if (reply->is_status("OK")) return namespace_lock(&pool, std::move(key), token, options);
      if (!reply->is_nil()) {
        return registry_error{registry_errc::unavailable,
                              "redis SET NX answered unexpectedly: " + describe(*reply),
                              std::nullopt};
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return registry_error{registry_errc::busy,
                            "another change to this namespace is still in progress", std::nullopt};
    }
    // Randomised, growing pauses so waiters neither hammer Redis nor wake in lockstep; the
    // connection is handed back while waiting.
    const auto sleep = std::min<std::chrono::milliseconds>(
        std::chrono::milliseconds(
            std::uniform_int_distribution<long>(pause.count() / 2, pause.count())(jitter)),
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
    std::this_thread::sleep_for(sleep);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
}

namespace_lock::namespace_lock(namespace_lock&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      key_(std::move(other.key_)),
      token_(std::move(other.token_)),
      options_(other.options_),
      renewal_(std::move(other.renewal_)) {}

namespace_lock& namespace_lock::operator=(namespace_lock&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::exchange(other.pool_, nullptr);
    key_ = std::move(other.key_);
    token_ = std::move(other.token_);
    options_ = other.options_;
    renewal_ = std::move(other.renewal_);
  }
  return *this;
}

namespace_lock::~namespace_lock() {
  release();
}

registry_result<void> namespace_lock::renew() {
  if (pool_ == nullptr) {
    return registry_error{registry_errc::lock_lost, "the namespace lock was released",
                          std::nullopt};
  }
  const auto renewed = renew_once(*pool_, key_, token_, options_);
  if (!renewed) {
    return registry_error{registry_errc::unavailable,
                          "redis: could not renew the namespace lock " + key_, std::nullopt};
  }
  if (*renewed == 1) return {};
  return registry_error{registry_errc::lock_lost,
                        "the namespace lock " + key_ + " expired and was taken by another writer",
                        std::nullopt};
}

void namespace_lock::keep_renewed() {
  if (pool_ == nullptr || renewal_) return;
  renewal_ = std::make_unique<renewal>();
  renewal_->thread = std::jthread([pool = pool_, key = key_, token = token_, options = options_,
                                   state = renewal_.get()](std::stop_token stop) {
    std::mutex mutex;
    std::condition_variable_any wake;
    std::unique_lock hold(mutex);
    while (!wake.wait_for(hold, stop, options.lease / 3, [&] { return stop.stop_requested(); })) {
      const auto renewed = renew_once(*pool, key, token, options);
      if (!renewed) {
        log_warn("could not renew a namespace lock; retrying", {{"key", key}});
      } else if (*renewed != 1) {
        log_error("a namespace lock expired while held and was taken over", {{"key", key}});
        state->lost = true;
        return;
      }
    }
  });
}

bool namespace_lock::lost() const noexcept {
  return renewal_ && renewal_->lost.load();
}

void namespace_lock::release() noexcept {
  renewal_.reset();  // stops and joins the renewal thread first
  if (pool_ == nullptr) return;
  redis_pool* pool = std::exchange(pool_, nullptr);
  try {
    auto lease = pool->acquire(options_.acquire_timeout);
    if (!lease) {
      log_warn("could not release a namespace lock; it expires with its lease",
               {{"key", key_}, {"error", lease.error().message}});
      return;
    }
    auto released = release_owned_key(**lease, key_, token_);
    if (!released) {
      log_warn("could not release a namespace lock; it expires with its lease",
               {{"key", key_}, {"error", released.error().message}});
    }
  } catch (const std::exception& e) {
    log_warn("could not release a namespace lock; it expires with its lease",
             {{"key", key_}, {"error", e.what()}});
  }
}

}  // namespace index_optimizer
