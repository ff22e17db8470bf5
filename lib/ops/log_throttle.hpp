#pragma once

#include <chrono>
#include <optional>

namespace index_optimizer {

// Lets a recurring condition be logged at most once per interval: the caller counts what happens
// and, when allow() says so, writes one line with the counts since its previous line. The time is
// passed in, so the rate is tested without waiting. Not thread-safe: guard it with the lock that
// guards the counts.
class log_throttle {
 public:
  explicit log_throttle(std::chrono::steady_clock::duration interval) : interval_(interval) {}

  // True on the first call, then again once `interval` has passed since the last true.
  bool allow(std::chrono::steady_clock::time_point now) {
    if (last_ && now - *last_ < interval_) return false;
    last_ = now;
    return true;
  }

 private:
  std::chrono::steady_clock::duration interval_;
  std::optional<std::chrono::steady_clock::time_point> last_;
};

}  // namespace index_optimizer
