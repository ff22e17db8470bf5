#include "window_store/window_spec.hpp"

namespace index_optimizer {

std::string_view to_string(window_kind kind) noexcept {
  return kind == window_kind::decision ? "decision" : "analytics";
}

std::int64_t window_spec::bucket_start(std::int64_t ts_ms) const noexcept {
  // Floor division: event times are non-negative, but a clock set before 1970 must not round a
  // negative time up into the next bucket.
  const std::int64_t remainder = ts_ms % bucket_ms;
  return ts_ms - (remainder < 0 ? remainder + bucket_ms : remainder);
}

std::int64_t window_spec::oldest_bucket_start(std::int64_t now_ms) const noexcept {
  return bucket_start(now_ms) - length_ms + bucket_ms;
}

bool window_spec::is_late(std::int64_t ts_ms, std::int64_t now_ms) const noexcept {
  return bucket_start(ts_ms) < oldest_bucket_start(now_ms);
}

window_spec window_spec_for(const window_config& window, window_kind kind) noexcept {
  if (kind == window_kind::decision) {
    return {kind, window.length.count(), window.bucket.count()};
  }
  return {kind, window.analytics_length.count(), window.analytics_bucket.count()};
}

std::array<window_spec, 2> window_specs(const window_config& window) noexcept {
  return {window_spec_for(window, window_kind::decision),
          window_spec_for(window, window_kind::analytics)};
}

std::int64_t unix_now_ms() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace index_optimizer
