#pragma once

#include <string>
#include <string_view>

#include "redis/redis_error.hpp"
#include "redis/redis_reply.hpp"

namespace index_optimizer {

// The optimizer's Redis keys (docs/redis-keys.md § Optimizer). All carry the `{opt}` hash tag:
// the fenced scripts read the lease and write the schedule or the history in one atomic step,
// which on Redis Cluster needs every key they touch in one slot.
class optimizer_keys {
 public:
  explicit optimizer_keys(std::string prefix);

  std::string lease() const;     // P{opt}:lease       the leader's token, with a TTL
  std::string fence() const;     // P{opt}:fence       INCR counter, one value per lease grant
  std::string next_run() const;  // P{opt}:next_run_at unix ms of the next scheduled run
  std::string runs() const;      // P{opt}:runs        sorted set: run id by start time (unix ms)
  std::string run(std::string_view run_id) const;  // P{opt}:run:<id>  the run record (JSON)
  std::string active() const;  // P{opt}:active      id of the run the lease holder is executing

 private:
  std::string base_;  // P{opt}:
};

// A reply whose shape none of the optimizer's commands or scripts produce (a foreign value in one
// of its keys): redis_errc::server naming the step.
redis_error unexpected_reply(std::string_view what, const redis_reply& reply);

}  // namespace index_optimizer
