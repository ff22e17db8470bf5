#include "qdrant_client/circuit_breaker.hpp"

#include <gtest/gtest.h>

namespace index_optimizer::qdrant {
namespace {

using namespace std::chrono_literals;

class CircuitBreaker : public ::testing::Test {
 protected:
  CircuitBreaker() : breaker_({3, 30s}) {}

  // `n` attempts that each time out.
  void fail(unsigned n) {
    for (unsigned i = 0; i < n; ++i) {
      const auto a = breaker_.admit(t_);
      ASSERT_TRUE(a.allowed);
      last_ = breaker_.record(true, a.probe, t_);
    }
  }

  circuit_breaker breaker_;
  circuit_breaker::clock::time_point t_ = circuit_breaker::clock::now();
  std::optional<circuit_transition> last_;
};

TEST_F(CircuitBreaker, OpensAfterTheThresholdOfConsecutiveFailures) {
  fail(2);
  EXPECT_EQ(breaker_.state(), circuit_state::closed);
  EXPECT_FALSE(last_);
  fail(1);
  EXPECT_EQ(breaker_.state(), circuit_state::open);
  ASSERT_TRUE(last_);
  EXPECT_EQ(last_->from, circuit_state::closed);
  EXPECT_EQ(last_->to, circuit_state::open);
  EXPECT_EQ(last_->failures, 3u);
}

TEST_F(CircuitBreaker, AnAnswerBetweenFailuresEndsTheRun) {
  fail(2);
  EXPECT_FALSE(breaker_.record(false, false, t_));
  fail(2);
  EXPECT_EQ(breaker_.state(), circuit_state::closed);
}

TEST_F(CircuitBreaker, OpenRefusesWithTheTimeLeftUntilTheProbe) {
  fail(3);
  const auto refused = breaker_.admit(t_ + 10s);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 20s);
  EXPECT_FALSE(breaker_.admit(t_ + 30s - 1ms).allowed);
}

TEST_F(CircuitBreaker, AfterTheCooldownOneProbeGoesAndTheOthersAreRefused) {
  fail(3);
  const auto probe = breaker_.admit(t_ + 30s);
  EXPECT_TRUE(probe.allowed);
  EXPECT_TRUE(probe.probe);
  ASSERT_TRUE(probe.transition);
  EXPECT_EQ(probe.transition->to, circuit_state::half_open);
  EXPECT_EQ(breaker_.state(), circuit_state::half_open);
  const auto other = breaker_.admit(t_ + 31s);
  EXPECT_FALSE(other.allowed);
  EXPECT_EQ(other.retry_after, 29s);
}

TEST_F(CircuitBreaker, ASuccessfulProbeClosesIt) {
  fail(3);
  const auto probe = breaker_.admit(t_ + 30s);
  const auto closed = breaker_.record(false, probe.probe, t_ + 31s);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->to, circuit_state::closed);
  EXPECT_TRUE(breaker_.admit(t_ + 31s).allowed);
  fail(2);  // the run starts again from zero
  EXPECT_EQ(breaker_.state(), circuit_state::closed);
}

TEST_F(CircuitBreaker, AFailedProbeOpensItForAnotherCooldown) {
  fail(3);
  const auto probe = breaker_.admit(t_ + 30s);
  const auto reopened = breaker_.record(true, probe.probe, t_ + 35s);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->from, circuit_state::half_open);
  EXPECT_EQ(reopened->to, circuit_state::open);
  EXPECT_FALSE(breaker_.admit(t_ + 64s).allowed);
  EXPECT_TRUE(breaker_.admit(t_ + 65s).probe);
}

// A probe that is a long index build must not keep the target refused for the whole build.
TEST_F(CircuitBreaker, AProbeStillOutAfterACooldownLetsAnotherThrough) {
  fail(3);
  ASSERT_TRUE(breaker_.admit(t_ + 30s).probe);
  EXPECT_FALSE(breaker_.admit(t_ + 59s).allowed);
  const auto second = breaker_.admit(t_ + 60s);
  EXPECT_TRUE(second.allowed);
  EXPECT_TRUE(second.probe);
  EXPECT_FALSE(second.transition);  // still half-open
}

// Attempts let through while it was closed and answered after it opened do not decide: only
// probes do.
TEST_F(CircuitBreaker, LateOutcomesOfAttemptsSentBeforeItOpenedChangeNothing) {
  const auto early = breaker_.admit(t_);
  fail(3);
  EXPECT_FALSE(breaker_.record(false, early.probe, t_ + 1s));
  EXPECT_EQ(breaker_.state(), circuit_state::open);
}

TEST_F(CircuitBreaker, PeekNeverTakesTheProbe) {
  fail(3);
  EXPECT_FALSE(breaker_.peek(t_ + 1s).allowed);
  EXPECT_TRUE(breaker_.peek(t_ + 30s).allowed);
  EXPECT_EQ(breaker_.state(), circuit_state::open);
  EXPECT_TRUE(breaker_.admit(t_ + 30s).probe);
}

}  // namespace
}  // namespace index_optimizer::qdrant
