#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string_view>

// The circuit breaker in front of one Qdrant target: after a run of attempts that timed out or
// could not connect, calls are refused at once (nothing is sent) instead of each holding a
// thread for its whole timeout. Pure state machine: the caller passes the time, so tests drive it
// without a clock; thread-safe.
namespace index_optimizer::qdrant {

enum class circuit_state {
  closed,     // attempts are sent; consecutive failures are counted
  open,       // attempts are refused until the cool-down has passed
  half_open,  // one probe attempt is out; the others are refused until it ends
};
std::string_view to_string(circuit_state state) noexcept;

struct circuit_breaker_policy {
  unsigned failure_threshold = 5;             // consecutive failed attempts that open it
  std::chrono::milliseconds cooldown{30000};  // open this long before a probe is let through
};

struct circuit_transition {
  circuit_state from = circuit_state::closed;
  circuit_state to = circuit_state::closed;
  unsigned failures = 0;  // the consecutive failures that led here
};

struct circuit_admission {
  bool allowed = false;
  bool probe = false;  // allowed as the half-open probe: its outcome decides the state
  // Refused: how long until an attempt may be let through again (at least 1 ms).
  std::chrono::milliseconds retry_after{0};
  std::optional<circuit_transition> transition;  // open -> half_open when this is the probe
};

// Rules, in order:
// - closed: every attempt goes; a failure (timeout, connection refused or broken) adds one to the
//   run, any other outcome (an answer, even an error status) ends the run; `failure_threshold`
//   failures in a row open the breaker;
// - open: attempts are refused until `cooldown` after it opened; the first attempt after that is
//   the probe (half-open);
// - half-open: other attempts are refused; the probe's success closes the breaker, its failure
//   opens it for another cool-down. A probe still out after a cool-down (a long index build)
//   does not block the target for good: the next attempt becomes another probe;
// - outcomes of attempts let through before the breaker opened, arriving while it is open or
//   half-open, change nothing: only probes decide then.
class circuit_breaker {
 public:
  using clock = std::chrono::steady_clock;

  explicit circuit_breaker(circuit_breaker_policy policy) noexcept : policy_(policy) {}

  // Whether attempts could be sent now, without taking the probe: for callers that reserve a
  // place before a sequence of calls and want to refuse at once while the target is known bad.
  circuit_admission peek(clock::time_point now) const;
  // One attempt is about to be sent (see the rules above).
  circuit_admission admit(clock::time_point now);
  // The outcome of an attempt `admit` let through. `failed`: timed out or the connection failed.
  std::optional<circuit_transition> record(bool failed, bool probe, clock::time_point now);

  circuit_state state() const;
  const circuit_breaker_policy& policy() const noexcept { return policy_; }

 private:
  circuit_admission decide(clock::time_point now) const;  // needs mutex_

  const circuit_breaker_policy policy_;
  mutable std::mutex mutex_;
  circuit_state state_ = circuit_state::closed;
  unsigned failures_ = 0;
  clock::time_point opened_at_{};
  clock::time_point probe_sent_at_{};
};

}  // namespace index_optimizer::qdrant
