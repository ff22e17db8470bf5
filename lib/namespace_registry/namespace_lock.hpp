#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "namespace_registry/registry_error.hpp"
#include "redis/redis_pool.hpp"

namespace index_optimizer {

struct namespace_lock_options {
  // Time-to-live of the lock. It must outlast the longest step taken while holding it (one
  // Qdrant call: an index build with wait=true), because it is renewed only between steps.
  std::chrono::milliseconds lease{std::chrono::minutes(11)};
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
  // Releases early (idempotent).
  void release() noexcept;

  const std::string& key() const noexcept { return key_; }

 private:
  namespace_lock(redis_pool* pool, std::string key, std::string token,
                 namespace_lock_options options);

  redis_pool* pool_ = nullptr;
  std::string key_;
  std::string token_;
  namespace_lock_options options_;
};

}  // namespace index_optimizer
