#include "ops/log_limiter.hpp"

namespace index_optimizer {

std::optional<std::uint64_t> log_limiter::admit(clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (last_ && now - *last_ < interval_) {
    ++held_back_;
    return std::nullopt;
  }
  last_ = now;
  const auto held = held_back_;
  held_back_ = 0;
  return held;
}

}  // namespace index_optimizer
