#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <iterator>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include "base/string_map.hpp"

namespace index_optimizer {

// Values remembered for a fixed time after they were stored, by string key: for answers that are
// costly to fetch and that a reader may see slightly old (Qdrant's approximate points_count,
// window counts a request may read as of a moment ago). A value is found until `ttl` has passed
// since its store(); a ttl of zero finds nothing. Expired entries are dropped once the map has
// grown past a bound, so keys nobody asks about again do not accumulate. Thread-safe.
template <class Value>
class expiring_cache {
 public:
  using clock_function = std::function<std::chrono::steady_clock::time_point()>;

  explicit expiring_cache(
      std::chrono::milliseconds ttl,
      clock_function clock = [] { return std::chrono::steady_clock::now(); })
      : ttl_(ttl), clock_(std::move(clock)) {}

  std::optional<Value> find(std::string_view key) const {
    const auto now = clock_();
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end() || now >= it->second.expires) return std::nullopt;
    return it->second.value;
  }

  void store(std::string_view key, Value value) {
    const auto now = clock_();
    std::lock_guard lock(mutex_);
    if (entries_.size() >= k_prune_above) {
      for (auto it = entries_.begin(); it != entries_.end();) {
        it = now >= it->second.expires ? entries_.erase(it) : std::next(it);
      }
    }
    entry fresh{std::move(value), now + ttl_};
    if (const auto it = entries_.find(key); it != entries_.end()) {
      it->second = std::move(fresh);
    } else {
      entries_.emplace(std::string(key), std::move(fresh));
    }
  }

  // Entries held, fresh or expired.
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }

  static constexpr std::size_t k_prune_above = 1024;

 private:
  struct entry {
    Value value;
    std::chrono::steady_clock::time_point expires;
  };

  const std::chrono::milliseconds ttl_;
  const clock_function clock_;
  mutable std::mutex mutex_;
  string_map<entry> entries_;
};

}  // namespace index_optimizer
