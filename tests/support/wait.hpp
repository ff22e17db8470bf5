#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace index_optimizer::testing {

// Polls `condition` until it holds or `deadline` passes; returns whether it held. Tests await
// conditions with this instead of sleeping for a guessed time.
inline bool wait_until(const std::function<bool()>& condition,
                       std::chrono::milliseconds deadline = std::chrono::seconds(20),
                       std::chrono::milliseconds poll = std::chrono::milliseconds(20)) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(poll);
  }
}

}  // namespace index_optimizer::testing
