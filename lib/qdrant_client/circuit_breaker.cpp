#include "qdrant_client/circuit_breaker.hpp"

#include <algorithm>

namespace index_optimizer::qdrant {
namespace {

std::chrono::milliseconds at_least_1ms(std::chrono::steady_clock::duration d) {
  return std::max(std::chrono::milliseconds(1), std::chrono::ceil<std::chrono::milliseconds>(d));
}

}  // namespace

std::string_view to_string(circuit_state state) noexcept {
  switch (state) {
    case circuit_state::closed:
      return "closed";
    case circuit_state::open:
      return "open";
    case circuit_state::half_open:
      return "half_open";
  }
  return "closed";
}

circuit_admission circuit_breaker::decide(clock::time_point now) const {
  circuit_admission out;
  if (state_ == circuit_state::closed) {
    out.allowed = true;
    return out;
  }
  // Open: a cool-down after it opened. Half-open: a cool-down after the last probe went out.
  const auto since = state_ == circuit_state::open ? opened_at_ : probe_sent_at_;
  if (now - since >= policy_.cooldown) {
    out.allowed = true;
    out.probe = true;
  } else {
    out.retry_after = at_least_1ms(since + policy_.cooldown - now);
  }
  return out;
}

circuit_admission circuit_breaker::peek(clock::time_point now) const {
  std::lock_guard lock(mutex_);
  return decide(now);
}

circuit_admission circuit_breaker::admit(clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto out = decide(now);
  if (out.probe) {
    if (state_ == circuit_state::open) {
      out.transition = circuit_transition{circuit_state::open, circuit_state::half_open, failures_};
    }
    state_ = circuit_state::half_open;
    probe_sent_at_ = now;
  }
  return out;
}

std::optional<circuit_transition> circuit_breaker::record(bool failed, bool probe,
                                                          clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (state_ == circuit_state::closed) {
    if (!failed) {
      failures_ = 0;
      return std::nullopt;
    }
    if (++failures_ < policy_.failure_threshold) return std::nullopt;
    state_ = circuit_state::open;
    opened_at_ = now;
    return circuit_transition{circuit_state::closed, circuit_state::open, failures_};
  }
  if (!probe || state_ != circuit_state::half_open) return std::nullopt;
  if (failed) {
    ++failures_;
    state_ = circuit_state::open;
    opened_at_ = now;
    return circuit_transition{circuit_state::half_open, circuit_state::open, failures_};
  }
  const auto failures = failures_;
  failures_ = 0;
  state_ = circuit_state::closed;
  return circuit_transition{circuit_state::half_open, circuit_state::closed, failures};
}

circuit_state circuit_breaker::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

}  // namespace index_optimizer::qdrant
