#include "base/effects_gate.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace index_optimizer {
namespace {

using namespace std::chrono_literals;
using clock_type = effects_gate::clock;

TEST(EffectsGate, EffectsBegunBeforeTheDeadlineKeepTheServerFromAnswering503) {
  const auto deadline = clock_type::now() + 1h;
  effects_gate gate(deadline);
  EXPECT_TRUE(gate.begin_effects(deadline - 1ms));
  EXPECT_FALSE(gate.expire());
  EXPECT_TRUE(gate.effects_begun());
  EXPECT_FALSE(gate.expired());
}

TEST(EffectsGate, AnExpiredGateRefusesEveryEffect) {
  const auto deadline = clock_type::now() + 1h;
  effects_gate gate(deadline);
  EXPECT_TRUE(gate.expire());
  EXPECT_TRUE(gate.expire());  // the server may ask again: still its answer
  EXPECT_FALSE(gate.begin_effects(deadline - 1s));
  EXPECT_TRUE(gate.expired());
}

// The handler reaches its first change after the deadline, before the server's timer fired:
// the gate closes itself, and the server's 503 is then the request's answer.
TEST(EffectsGate, BeginningAtTheDeadlineFailsBeforeTheServerNoticed) {
  const auto deadline = clock_type::now() + 1h;
  effects_gate gate(deadline);
  EXPECT_FALSE(gate.begin_effects(deadline));
  EXPECT_TRUE(gate.expired());
  EXPECT_TRUE(gate.expire());
}

TEST(EffectsGate, OnceBegunEffectsMayContinuePastTheDeadline) {
  const auto deadline = clock_type::now() + 1h;
  effects_gate gate(deadline);
  ASSERT_TRUE(gate.begin_effects(deadline - 1ms));
  EXPECT_TRUE(gate.begin_effects(deadline + 1h));  // a later write of the same change
}

TEST(EffectsGate, ADefaultGateNeverExpires) {
  effects_gate gate;
  EXPECT_TRUE(gate.begin_effects(clock_type::now() + 24h * 365));
}

// The timer and the handler race from two threads: exactly one of them wins, every time.
TEST(EffectsGate, ExactlyOneOfTheServerAndTheHandlerWinsARace) {
  constexpr int k_rounds = 500;
  int handler_won = 0;
  int server_won = 0;
  for (int i = 0; i < k_rounds; ++i) {
    effects_gate gate(clock_type::now() + 1h);
    std::atomic<bool> go{false};
    bool began = false;
    bool expired = false;
    std::thread handler([&] {
      while (!go.load()) {
      }
      began = gate.begin_effects();
    });
    std::thread server([&] {
      while (!go.load()) {
      }
      expired = gate.expire();
    });
    go.store(true);
    handler.join();
    server.join();
    ASSERT_NE(began, expired) << "round " << i;
    began ? ++handler_won : ++server_won;
  }
  EXPECT_EQ(handler_won + server_won, k_rounds);
}

}  // namespace
}  // namespace index_optimizer
