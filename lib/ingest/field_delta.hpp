#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/string_map.hpp"
#include "window_store/bucket_log.hpp"
#include "window_store/latency_histogram.hpp"
#include "window_store/window_stats.hpp"

namespace index_optimizer {

// What one commit adds for one field in one bucket, or what a writer has added so far
// (writer_sums): the same quantities the window hashes hold (window_stats.hpp), summed over
// events. 64-bit throughout: a writer's sum over a long bucket must not wrap.
struct field_delta {
  std::uint64_t count = 0;
  std::array<std::uint64_t, k_index_type_slots> type_votes{};
  std::array<std::uint64_t, k_condition_kind_slots> kind_counts{};
  std::uint64_t latency_count = 0;
  std::uint64_t latency_sum_us = 0;
  std::array<std::uint64_t, k_latency_buckets> latency_histogram{};
  std::int64_t first_seen_ms = std::numeric_limits<std::int64_t>::max();
  std::int64_t last_seen_ms = std::numeric_limits<std::int64_t>::min();
};

// Field path -> delta, found by string_view without a temporary string.
using field_map = string_map<field_delta>;

// dst += src: counts add, first seen takes the minimum, last seen the maximum.
void combine(field_delta& dst, const field_delta& src) noexcept;

// A delta as a bucket log record (window_store/bucket_log.hpp).
log_record to_log_record(const field_delta& delta) noexcept;

}  // namespace index_optimizer
