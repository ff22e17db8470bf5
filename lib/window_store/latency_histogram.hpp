#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace index_optimizer {

// Query latencies are kept per field as counts in fixed buckets (about 1.5x apart from 0.5 ms to
// 60 s, then one open bucket), so a window's latency costs a bounded number of Redis hash fields
// whatever the traffic, and buckets add and subtract exactly as windows slide.
inline constexpr std::array<double, 30> k_latency_upper_bounds_ms{
    0.5, 1,   1.5, 2,   3,    5,    7.5,  10,   15,   20,   30,    50,    75,    100,   150,
    200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10000, 15000, 20000, 30000, 60000};

// Buckets: one per upper bound plus the open one above the last bound.
inline constexpr std::size_t k_latency_buckets = k_latency_upper_bounds_ms.size() + 1;

using latency_counts = std::array<std::uint64_t, k_latency_buckets>;

// The bucket holding `latency_ms` (a bound is inclusive: 10 ms lands in the "<= 10" bucket).
std::size_t latency_bucket(double latency_ms) noexcept;

// Latencies are summed as integer microseconds so that totals add and subtract exactly; a latency
// is capped at one hour so that sums cannot overflow.
inline constexpr double k_max_latency_ms = 3'600'000;
std::int64_t latency_micros(double latency_ms) noexcept;

// The q-quantile (0 < q <= 1) estimated from bucket counts by linear interpolation inside the
// bucket that holds it (Prometheus' histogram_quantile); a quantile in the open bucket reports the
// last bound. nullopt when there are no counts.
std::optional<double> latency_quantile(std::span<const std::uint64_t> counts, double q) noexcept;

}  // namespace index_optimizer
