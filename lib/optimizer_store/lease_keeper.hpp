#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "optimizer_store/leader_lease.hpp"
#include "optimizer_store/optimizer_keys.hpp"
#include "redis/redis_pool.hpp"

namespace index_optimizer {

// Keeps a granted lease alive while its holder works: a thread renews it every third of its TTL,
// so the lease survives steps (an index build) far longer than the TTL, and runs out within one
// TTL when this process dies. The holder asks `held()` before each step and `confirm()` right
// before a write outside the fenced scripts (Qdrant, the namespace registry).
class lease_keeper {
 public:
  lease_keeper(redis_pool& pool, optimizer_keys keys, lease_token token,
               std::chrono::milliseconds ttl);
  ~lease_keeper();  // release()
  lease_keeper(const lease_keeper&) = delete;
  lease_keeper& operator=(const lease_keeper&) = delete;

  const lease_token& token() const noexcept { return token_; }

  // False once a renewal found another token in the key, or no renewal has succeeded for a whole
  // TTL (Redis unreachable: the lease may have expired and been taken).
  bool held() const;
  // Asks Redis now (renewing the lease): true only when the stored token is still ours. Updates
  // held().
  bool confirm();

  // Stops renewing and deletes the lease if it is still ours. Idempotent.
  void release();
  // The lease was deleted by a fenced script (a run's final save): stops renewing; nothing is
  // left to release.
  void mark_released();
  // Stops renewing without releasing, as a process that died would: the lease runs out after
  // its TTL and another instance takes over. For tests and for a shutdown that gave up waiting.
  void abandon();

 private:
  void renew_loop();
  bool renew_once();
  void stop_thread();

  redis_pool& pool_;
  const optimizer_keys keys_;
  const lease_token token_;
  const std::chrono::milliseconds ttl_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool lost_ = false;
  bool released_ = false;
  std::chrono::steady_clock::time_point last_renewal_;
  std::thread thread_;
};

}  // namespace index_optimizer
