#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "namespace_registry/registry_error.hpp"
#include "redis/redis_pool.hpp"

namespace index_optimizer {

struct namespace_lock_options {
  // Time-to-live of the lock. keep_renewed() extends it every lease / 3 while it is held, so a
  // long Qdrant call never outlives it, and a holder that dies blocks the namespace for at most
  // this long.
  std::chrono::milliseconds lease{std::chrono::seconds(30)};
  // How long acquire() keeps trying before answering busy.
  std::chrono::milliseconds wait{std::chrono::seconds(10)};
  std::chrono::milliseconds acquire_timeout{2000};  // for a pooled connection
};

// A per-namespace write lock in Redis (SET key token NX PX lease), held while a change is
// applied to Qdrant and then stored. Qdrant and Redis cannot change in one atomic step, so two
// writers interleaving their Qdrant calls on one namespace could leave Qdrant holding what
// neither stored; the lock serialises them. The version compare-and-set stays the correctness
// guarantee for the stored document: the lock only keeps the two systems in step.
//
// Released (compare-and-delete on the token) on destruction. A holder that dies leaves the lock
// until its lease runs out.
//
// Not thread-safe itself (one owner); the renewal thread only touches its own state.
class namespace_lock {
 public:
  // Waits up to options.wait, polling with a growing pause; busy when still held by another.
  static registry_result<namespace_lock> acquire(redis_pool& pool, std::string key,
                                                 const namespace_lock_options& options);

  namespace_lock(namespace_lock&& other) noexcept;
  namespace_lock& operator=(namespace_lock&& other) noexcept;
  namespace_lock(const namespace_lock&) = delete;
  namespace_lock& operator=(const namespace_lock&) = delete;
  ~namespace_lock();

  // Extends the lease from now; lock_lost when another holder took over after ours expired.
  registry_result<void> renew();
  // Starts a background thread that renews the lease every lease / 3 until release(). A Redis
  // failure during renewal is retried at the next tick; a lock found taken over sets lost().
  void keep_renewed();
  // The renewal thread found the lock taken over (our lease had run out).
  bool lost() const noexcept;
  // Releases early (idempotent).
  void release() noexcept;

  const std::string& key() const noexcept { return key_; }

 private:
  namespace_lock(redis_pool* pool, std::string key, std::string token,
                 namespace_lock_options options);

  struct renewal;

  redis_pool* pool_ = nullptr;
  std::string key_;
  std::string token_;
  namespace_lock_options options_;
  std::unique_ptr<renewal> renewal_;  // null until keep_renewed()
};

}  // namespace index_optimizer
