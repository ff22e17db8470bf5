#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

namespace index_optimizer {

// Rate limit for one kind of log line: lets one through per interval and counts the ones held
// back, so an event that repeats per request under overload (a 503, a refused Qdrant call) costs
// one line per interval carrying how many were not written. Thread-safe.
class log_limiter {
 public:
  using clock = std::chrono::steady_clock;

  explicit log_limiter(std::chrono::milliseconds interval) noexcept : interval_(interval) {}

  // nullopt: hold this line back. Otherwise write it now; the value is the number of lines held
  // back since the last one written (log it as e.g. "suppressed").
  std::optional<std::uint64_t> admit(clock::time_point now = clock::now());

 private:
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::optional<clock::time_point> last_;
  std::uint64_t held_back_ = 0;
};

}  // namespace index_optimizer
