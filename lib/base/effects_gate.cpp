#include "base/effects_gate.hpp"

namespace index_optimizer {

bool effects_gate::begin_effects(clock::time_point now) noexcept {
  if (now >= deadline_) {
    // Too late to begin: the request is the server's to answer (it may not have noticed yet),
    // unless effects had already begun.
    return !expire();
  }
  auto expected = state::open;
  if (state_.compare_exchange_strong(expected, state::effects_begun)) return true;
  return expected == state::effects_begun;
}

bool effects_gate::expire() noexcept {
  auto current = state::open;
  if (state_.compare_exchange_strong(current, state::expired)) return true;
  return current == state::expired;
}

}  // namespace index_optimizer
