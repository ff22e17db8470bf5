#include <gtest/gtest.h>

#include <vector>

#include "base/backoff.hpp"

namespace index_optimizer {
namespace {

using std::chrono::milliseconds;

TEST(RedisBackoffTest, GrowsExponentiallyUpToTheCapWithoutJitter) {
  const backoff_policy policy{milliseconds(100), milliseconds(1000), 2.0, 0.0};
  const std::vector<long> expected = {100, 200, 400, 800, 1000, 1000};
  for (unsigned failures = 1; failures <= expected.size(); ++failures) {
    EXPECT_EQ(backoff_delay(policy, failures, 0.7).count(), expected[failures - 1])
        << "after " << failures << " failures";
  }
}

TEST(RedisBackoffTest, JitterShortensTheDelayByAtMostItsShare) {
  const backoff_policy policy{milliseconds(1000), milliseconds(10000), 2.0, 0.5};
  EXPECT_EQ(backoff_delay(policy, 1, 0.0), milliseconds(1000));
  EXPECT_EQ(backoff_delay(policy, 1, 0.5), milliseconds(750));
  EXPECT_EQ(backoff_delay(policy, 2, 0.999), milliseconds(1001));  // 2000 * (1 - 0.4995)
  EXPECT_GE(backoff_delay(policy, 2, 0.999), milliseconds(1000));
}

TEST(RedisBackoffTest, HugeFailureCountsStayAtTheCap) {
  const backoff_policy policy{milliseconds(100), milliseconds(5000), 2.0, 0.0};
  EXPECT_EQ(backoff_delay(policy, 5000, 0.0), milliseconds(5000));
  EXPECT_EQ(backoff_delay(policy, 4000000000u, 0.0), milliseconds(5000));
}

TEST(RedisBackoffTest, InitialAboveCapIsCapped) {
  const backoff_policy policy{milliseconds(9000), milliseconds(2000), 2.0, 0.0};
  EXPECT_EQ(backoff_delay(policy, 1, 0.0), milliseconds(2000));
}

TEST(RedisBackoffTest, OutOfRangeRandomAndJitterAreClamped) {
  const backoff_policy policy{milliseconds(1000), milliseconds(1000), 2.0, 3.0};
  EXPECT_EQ(backoff_delay(policy, 1, -1.0), milliseconds(1000));
  EXPECT_EQ(backoff_delay(policy, 1, 2.0), milliseconds(0));
}

TEST(RedisBackoffTest, TrackerUsesTheInjectedRandomSourceAndResetsOnSuccess) {
  std::vector<double> randoms = {0.0, 1.0 - 1e-9, 0.5, 0.0};
  std::size_t next = 0;
  reconnect_backoff backoff({milliseconds(100), milliseconds(10000), 2.0, 1.0},
                            [&] { return randoms.at(next++); });
  EXPECT_EQ(backoff.on_failure(), milliseconds(100));  // 100 * (1 - 0)
  EXPECT_EQ(backoff.on_failure(), milliseconds(0));    // 200 * (1 - ~1)
  EXPECT_EQ(backoff.on_failure(), milliseconds(200));  // 400 * (1 - 0.5)
  EXPECT_EQ(backoff.failures(), 3u);
  backoff.on_success();
  EXPECT_EQ(backoff.failures(), 0u);
  EXPECT_EQ(backoff.on_failure(), milliseconds(100));
}

TEST(RedisBackoffTest, DefaultRandomStaysWithinTheJitterBand) {
  reconnect_backoff backoff({milliseconds(1000), milliseconds(1000), 2.0, 0.25});
  for (int i = 0; i < 100; ++i) {
    const auto delay = backoff.on_failure();
    EXPECT_GE(delay, milliseconds(750));
    EXPECT_LE(delay, milliseconds(1000));
  }
}

}  // namespace
}  // namespace index_optimizer
