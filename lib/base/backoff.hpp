#pragma once

#include <chrono>
#include <functional>

namespace index_optimizer {

// How long to wait before reconnecting after consecutive failures: initial * multiplier^n,
// capped, then reduced by a random share of up to `jitter` so that many clients that lost the
// same server do not reconnect in lockstep.
struct backoff_policy {
  std::chrono::milliseconds initial{100};
  std::chrono::milliseconds cap{5000};
  double multiplier = 2.0;
  double jitter = 0.5;  // 0: no jitter; 1: anywhere in [0, delay]
};

// The delay before the next attempt after `failures` consecutive failures (failures >= 1).
// `unit_random` is a number in [0, 1); the result lies in [delay * (1 - jitter), delay].
std::chrono::milliseconds backoff_delay(const backoff_policy& policy, unsigned failures,
                                        double unit_random) noexcept;

// Counts consecutive failures and turns them into delays. Not thread-safe: owned by whoever
// serialises the reconnect attempts.
class reconnect_backoff {
 public:
  using random_source = std::function<double()>;  // uniform in [0, 1)

  explicit reconnect_backoff(backoff_policy policy = {});
  reconnect_backoff(backoff_policy policy, random_source random);

  std::chrono::milliseconds on_failure();  // records a failure, returns the delay to wait
  void on_success() noexcept { failures_ = 0; }
  unsigned failures() const noexcept { return failures_; }

 private:
  backoff_policy policy_;
  random_source random_;
  unsigned failures_ = 0;
};

}  // namespace index_optimizer
