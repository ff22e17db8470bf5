#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "config/config.hpp"

namespace index_optimizer {

// The two sliding windows every event is counted in: the optimizer decides over `decision`
// (window.length, 24 h by default), the analytics API reports over `analytics` (7 d).
enum class window_kind { decision, analytics };

inline constexpr std::array<window_kind, 2> k_all_windows{window_kind::decision,
                                                          window_kind::analytics};

std::string_view to_string(window_kind kind) noexcept;  // "decision", "analytics"

// Window arithmetic over unix milliseconds. A window of n = length / bucket buckets holds, at time
// `now`, the bucket containing `now` and the n - 1 before it: it starts at
// oldest_bucket_start(now), which lies in (now - length, now - length + bucket]. docs/events.md
// states the resulting bound.
struct window_spec {
  window_kind kind = window_kind::decision;
  std::int64_t length_ms = 0;
  std::int64_t bucket_ms = 0;

  std::int64_t bucket_start(std::int64_t ts_ms) const noexcept;
  std::int64_t oldest_bucket_start(std::int64_t now_ms) const noexcept;
  // Whether an event at `ts_ms` falls before the window at `now_ms` (and so is not counted).
  bool is_late(std::int64_t ts_ms, std::int64_t now_ms) const noexcept;

  bool operator==(const window_spec&) const = default;
};

window_spec window_spec_for(const window_config& window, window_kind kind) noexcept;

// Both windows, in k_all_windows order.
std::array<window_spec, 2> window_specs(const window_config& window) noexcept;

// Milliseconds since the unix epoch by the system clock.
std::int64_t unix_now_ms() noexcept;

}  // namespace index_optimizer
