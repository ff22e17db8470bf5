#include "base/refreshed_value.hpp"

#include <gtest/gtest.h>

namespace index_optimizer {
namespace {

using namespace std::chrono_literals;
using time_point = refreshed_value<int>::time_point;

TEST(RefreshedValue, TheFirstReaderReadsAndTheValueServesUntilItsTtl) {
  refreshed_value<int> v;
  const time_point t0{};
  auto claim = v.acquire(t0 + 1s, 1s);
  EXPECT_TRUE(claim.refresh);
  EXPECT_FALSE(claim.value);
  v.refreshed(std::make_shared<int>(1), t0 + 1s);
  claim = v.acquire(t0 + 1999ms, 1s);
  EXPECT_FALSE(claim.refresh);
  EXPECT_EQ(*claim.value, 1);
  EXPECT_TRUE(v.acquire(t0 + 2s, 1s).refresh);  // expired: this reader refreshes
}

TEST(RefreshedValue, WhileOneReaderRefreshesTheOthersUseTheOldValueUpToTwiceTheTtl) {
  refreshed_value<int> v;
  const time_point t0{std::chrono::hours(1)};
  v.refreshed(std::make_shared<int>(1), t0);
  ASSERT_TRUE(v.acquire(t0 + 1500ms, 1s).refresh);
  auto other = v.acquire(t0 + 1600ms, 1s);
  EXPECT_FALSE(other.refresh);
  EXPECT_EQ(*other.value, 1);
  // Too old to stand in any longer: this reader reads too.
  EXPECT_TRUE(v.acquire(t0 + 2s, 1s).refresh);
  v.refreshed(std::make_shared<int>(2), t0 + 1500ms);
  v.refreshed(std::make_shared<int>(3), t0 + 2s);
  EXPECT_EQ(*v.acquire(t0 + 2100ms, 1s).value, 3);
  // A read that started earlier does not replace a newer one.
  v.refreshed(std::make_shared<int>(2), t0 + 1500ms);
  EXPECT_EQ(*v.acquire(t0 + 2100ms, 1s).value, 3);
}

TEST(RefreshedValue, AFailedRefreshLetsTheNextReaderTry) {
  refreshed_value<int> v;
  const time_point t0{std::chrono::hours(1)};
  v.refreshed(std::make_shared<int>(1), t0);
  ASSERT_TRUE(v.acquire(t0 + 1500ms, 1s).refresh);
  EXPECT_TRUE(v.refreshing());
  v.failed();
  EXPECT_FALSE(v.refreshing());
  EXPECT_TRUE(v.acquire(t0 + 1600ms, 1s).refresh);
  v.refreshed(std::make_shared<int>(2), t0 + 1600ms);
  EXPECT_FALSE(v.refreshing());
}

TEST(RefreshedValue, AZeroTtlRefreshesOnEveryAcquire) {
  refreshed_value<int> v;
  const time_point t0{std::chrono::hours(1)};
  v.refreshed(std::make_shared<int>(1), t0);
  EXPECT_TRUE(v.acquire(t0, 0ms).refresh);
  EXPECT_TRUE(v.acquire(t0, 0ms).refresh);  // even while another refresh is running
}

}  // namespace
}  // namespace index_optimizer
