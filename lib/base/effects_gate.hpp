#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace index_optimizer {

// Decides, once per request, whose answer a client gets when its handler may outlast
// http.request_timeout: the handler's, or the server's 503. Shared by the server's timeout timer
// and the thread running the handler (lock-free; either may come first).
//
// The rule that makes a 503 trustworthy: a handler calls begin_effects() before its first change
// (a Redis write, a Qdrant call that changes something). Once that succeeded the server no longer
// answers 503 at the deadline but waits for the handler's own answer, which its Redis and Qdrant
// timeouts bound. Once the deadline has passed and the server answered 503, begin_effects() fails
// and the handler returns without changing anything. So a client told 503 by the deadline knows
// nothing it asked for was done, and a client whose request did change something is told what.
// Reads, and locks taken and released without changing anything, are not effects.
class effects_gate {
 public:
  using clock = std::chrono::steady_clock;

  // Never expires: requests with no deadline (tests, callers outside HTTP).
  effects_gate() noexcept : deadline_(clock::time_point::max()) {}
  explicit effects_gate(clock::time_point deadline) noexcept : deadline_(deadline) {}
  effects_gate(const effects_gate&) = delete;
  effects_gate& operator=(const effects_gate&) = delete;

  // The handler is about to make its first change. true: go ahead, the server waits for this
  // handler's answer. false: the deadline has passed (at `now`, or the server expired the
  // request first): change nothing. True again on every later call once it was true.
  [[nodiscard]] bool begin_effects(clock::time_point now = clock::now()) noexcept;

  // The server, at or after the deadline. true: no effect has begun and none can begin now, so
  // answer 503. false: the handler has begun its effects; its answer is awaited.
  [[nodiscard]] bool expire() noexcept;

  bool expired() const noexcept { return state_.load() == state::expired; }
  bool effects_begun() const noexcept { return state_.load() == state::effects_begun; }
  clock::time_point deadline() const noexcept { return deadline_; }

 private:
  enum class state : std::uint8_t { open, effects_begun, expired };
  std::atomic<state> state_{state::open};
  const clock::time_point deadline_;
};

}  // namespace index_optimizer
