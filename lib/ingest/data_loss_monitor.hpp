#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <atomic>
#include <mutex>
#include <string>
#include <string_view>

#include "ops/health_registry.hpp"

namespace index_optimizer {

// Signs that Redis lost the daemon's data: restarted without persistence, flushed, or failed over
// to an empty replica (docs/operations.md, "Redis restarted empty"). Without them the operator
// saw only a rising dead-letter count while every event of the vanished namespaces was
// dead-lettered.
enum class data_loss_signal {
  // The consumer group of a stream was gone on a reconnect and had to be created again, although
  // this process had consumed from it: the stream (and its unconsumed events) went with it.
  group_recreated,
  // Events named namespaces while the registry held none. Also what a new deployment sees when
  // producers start before the namespaces are created: the advice covers both.
  registry_empty,
};

std::string_view to_string(data_loss_signal signal) noexcept;

// One process's view, shared by its consumers and read by /readyz. Thread-safe.
//
// A signal raises the suspicion: an error log (once, until it clears) saying what happened and
// what to do, the gauge index_optimizer_redis_data_loss_suspected at 1, and a /readyz detail. The
// next commit that counts events clears it: namespaces resolve again. /readyz stays ready meanwhile
// (the check is ok, with a detail): the admin API is what the operator recovers with.
class data_loss_monitor {
 public:
  explicit data_loss_monitor(prometheus::Registry& registry);

  void group_recreated(std::string_view stream);
  // `example`: one of the namespace references that resolved to nothing.
  void registry_empty(std::string_view stream, std::string_view example);
  // A commit counted events.
  void counting();

  bool suspected() const noexcept { return suspected_.load(); }
  health_check_result check() const;

 private:
  void raise(data_loss_signal signal, std::string what);

  prometheus::Family<prometheus::Counter>& group_recreated_;
  prometheus::Gauge& suspected_gauge_;
  std::atomic<bool> suspected_{false};
  mutable std::mutex mutex_;
  std::string detail_;
};

}  // namespace index_optimizer
