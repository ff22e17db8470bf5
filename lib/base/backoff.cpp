#include "base/backoff.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <random>

namespace index_optimizer {

std::chrono::milliseconds backoff_delay(const backoff_policy& policy, unsigned failures,
                                        double unit_random) noexcept {
  const double cap = static_cast<double>(std::max<std::int64_t>(policy.cap.count(), 0));
  const double initial = std::clamp(static_cast<double>(policy.initial.count()), 0.0, cap);
  const double exponent = failures == 0 ? 0.0 : static_cast<double>(failures - 1);
  // pow overflows to +inf for large exponents, which min() then caps.
  const double delay =
      std::min(cap, initial * std::pow(std::max(policy.multiplier, 1.0), exponent));
  const double jitter = std::clamp(policy.jitter, 0.0, 1.0);
  const double random = std::clamp(unit_random, 0.0, 1.0);
  return std::chrono::milliseconds(std::llround(delay * (1.0 - jitter * random)));
}

namespace {
double default_random() {
  static std::mutex mutex;
  static std::mt19937_64 engine{std::random_device{}()};
  std::lock_guard lock(mutex);
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}
}  // namespace

reconnect_backoff::reconnect_backoff(backoff_policy policy)
    : reconnect_backoff(policy, default_random) {}

reconnect_backoff::reconnect_backoff(backoff_policy policy, random_source random)
    : policy_(policy), random_(std::move(random)) {}

std::chrono::milliseconds reconnect_backoff::on_failure() {
  if (failures_ < 1000) ++failures_;
  return backoff_delay(policy_, failures_, random_());
}

}  // namespace index_optimizer
