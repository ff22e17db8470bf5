#pragma once

#include <chrono>
#include <memory>
#include <mutex>

namespace index_optimizer {

// One costly value that many readers share and that one reader at a time refreshes once it is
// older than a ttl. While that reader refreshes, the others keep using the value they had, up to
// twice the ttl old, instead of all waiting for (and all repeating) the same slow read: at
// expiry exactly one request pays for the read. With nothing to fall back on (no value yet, or
// older than twice the ttl), every reader refreshes itself. A ttl of zero refreshes on every
// acquire. Thread-safe.
template <class T>
class refreshed_value {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  struct claim {
    std::shared_ptr<T> value;  // use it, unless `refresh` (then: the old value, if any)
    bool refresh = false;      // the caller must read a new value, then refreshed() or failed()
  };

  claim acquire(time_point now, std::chrono::milliseconds ttl) {
    std::lock_guard lock(mutex_);
    if (value_ && now - read_at_ < ttl) return {value_, false};
    if (value_ && refreshing_ && now - read_at_ < 2 * ttl) return {value_, false};
    refreshing_ = true;
    return {value_, true};
  }

  // Ends a refresh with the value read at `read_at` (when the read started: its age counts from
  // there).
  void refreshed(std::shared_ptr<T> value, time_point read_at) {
    std::lock_guard lock(mutex_);
    refreshing_ = false;
    if (!value_ || read_at >= read_at_) {
      value_ = std::move(value);
      read_at_ = read_at;
    }
  }

  // Ends a refresh that could not read: the next acquire refreshes again.
  void failed() {
    std::lock_guard lock(mutex_);
    refreshing_ = false;
  }

  // Whether a reader is refreshing the value now.
  bool refreshing() const {
    std::lock_guard lock(mutex_);
    return refreshing_;
  }

  // When the value held was read; the epoch when there is none.
  time_point read_at() const {
    std::lock_guard lock(mutex_);
    return value_ ? read_at_ : time_point{};
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<T> value_;
  time_point read_at_{};
  bool refreshing_ = false;
};

}  // namespace index_optimizer
