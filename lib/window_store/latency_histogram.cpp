#include "window_store/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace index_optimizer {

std::size_t latency_bucket(double latency_ms) noexcept {
  const auto it = std::lower_bound(k_latency_upper_bounds_ms.begin(),
                                   k_latency_upper_bounds_ms.end(), latency_ms);
  return static_cast<std::size_t>(it - k_latency_upper_bounds_ms.begin());
}

std::int64_t latency_micros(double latency_ms) noexcept {
  const double capped = std::clamp(latency_ms, 0.0, k_max_latency_ms);
  return static_cast<std::int64_t>(std::llround(capped * 1000.0));
}

std::optional<double> latency_quantile(std::span<const std::uint64_t> counts, double q) noexcept {
  std::uint64_t total = 0;
  for (const auto c : counts)
    total += c;
  if (total == 0) return std::nullopt;
  const double rank = q * static_cast<double>(total);
  double below = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const double here = static_cast<double>(counts[i]);
    if (here > 0 && below + here >= rank) {
      if (i >= k_latency_upper_bounds_ms.size()) return k_latency_upper_bounds_ms.back();
      const double lower = i == 0 ? 0.0 : k_latency_upper_bounds_ms[i - 1];
      const double upper = k_latency_upper_bounds_ms[i];
      return lower + (upper - lower) * std::clamp((rank - below) / here, 0.0, 1.0);
    }
    below += here;
  }
  return k_latency_upper_bounds_ms.back();
}

}  // namespace index_optimizer
