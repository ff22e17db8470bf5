#include "base/expiring_cache.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace index_optimizer {
namespace {

using namespace std::chrono_literals;

class ExpiringCache : public ::testing::Test {
 protected:
  std::chrono::steady_clock::time_point now_{};
  std::function<std::chrono::steady_clock::time_point()> clock_ = [this] { return now_; };
};

TEST_F(ExpiringCache, FindsAStoredValueUntilItsTtlHasPassed) {
  expiring_cache<int> cache(1s, clock_);
  EXPECT_FALSE(cache.find("products"));
  cache.store("products", 1200);
  now_ += 999ms;
  EXPECT_EQ(cache.find("products"), 1200);
  EXPECT_FALSE(cache.find("other"));
  now_ += 1ms;
  EXPECT_FALSE(cache.find("products"));
  cache.store("products", 1300);  // a fresh value replaces it and lives a full ttl
  now_ += 999ms;
  EXPECT_EQ(cache.find("products"), 1300);
}

TEST_F(ExpiringCache, AStoredEmptyValueIsFoundAsSuch) {
  expiring_cache<std::optional<std::int64_t>> cache(1s, clock_);
  cache.store("products", std::nullopt);
  const auto found = cache.find("products");
  ASSERT_TRUE(found);  // found: the value is "none"
  EXPECT_FALSE(*found);
}

TEST_F(ExpiringCache, AZeroTtlFindsNothing) {
  expiring_cache<int> cache(0ms, clock_);
  cache.store("products", 1200);
  EXPECT_FALSE(cache.find("products"));
}

TEST_F(ExpiringCache, DropsExpiredEntriesOnceItHoldsMany) {
  expiring_cache<int> cache(1s, clock_);
  const auto bound = expiring_cache<int>::k_prune_above;
  for (std::size_t i = 0; i < bound; ++i)
    cache.store("gone_" + std::to_string(i), static_cast<int>(i));
  now_ += 500ms;
  cache.store("kept", 1);  // at the bound, but nothing has expired yet
  EXPECT_EQ(cache.size(), bound + 1);
  now_ += 600ms;  // the first batch has expired, "kept" has not
  cache.store("fresh", 2);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.find("kept"), 1);
  EXPECT_EQ(cache.find("fresh"), 2);
}

}  // namespace
}  // namespace index_optimizer
