#include "ops/log_throttle.hpp"

#include <gtest/gtest.h>

namespace index_optimizer {
namespace {

using namespace std::chrono_literals;

TEST(LogThrottle, AllowsTheFirstLineThenOnePerInterval) {
  log_throttle throttle(10s);
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  EXPECT_TRUE(throttle.allow(t0));
  EXPECT_FALSE(throttle.allow(t0));
  EXPECT_FALSE(throttle.allow(t0 + 9999ms));
  EXPECT_TRUE(throttle.allow(t0 + 10s));
  // The interval counts from the last line allowed, not from the first.
  EXPECT_FALSE(throttle.allow(t0 + 19s));
  EXPECT_TRUE(throttle.allow(t0 + 20s));
  EXPECT_TRUE(throttle.allow(t0 + 1h));
}

}  // namespace
}  // namespace index_optimizer
