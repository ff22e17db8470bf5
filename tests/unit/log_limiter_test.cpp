#include "ops/log_limiter.hpp"

#include <gtest/gtest.h>

namespace index_optimizer {
namespace {

using namespace std::chrono_literals;

TEST(LogLimiter, LetsOneLineThroughPerIntervalAndCountsTheOnesHeldBack) {
  log_limiter limiter(10s);
  const auto t0 = log_limiter::clock::now();
  ASSERT_EQ(limiter.admit(t0), std::optional<std::uint64_t>(0));
  EXPECT_EQ(limiter.admit(t0 + 1s), std::nullopt);
  EXPECT_EQ(limiter.admit(t0 + 9s), std::nullopt);
  EXPECT_EQ(limiter.admit(t0 + 10s), std::optional<std::uint64_t>(2));
  EXPECT_EQ(limiter.admit(t0 + 30s), std::optional<std::uint64_t>(0));
}

}  // namespace
}  // namespace index_optimizer
