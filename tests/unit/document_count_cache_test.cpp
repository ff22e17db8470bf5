#include "namespace_api/document_count_cache.hpp"

#include <gtest/gtest.h>

namespace index_optimizer {
namespace {

using namespace std::chrono_literals;

class DocumentCountCache : public ::testing::Test {
 protected:
  std::chrono::steady_clock::time_point now_{};
  document_count_cache::clock_function clock_ = [this] { return now_; };
};

TEST_F(DocumentCountCache, AnswersAStoredCountUntilItsTtlHasPassed) {
  document_count_cache cache(1s, clock_);
  EXPECT_FALSE(cache.find("products"));
  cache.store("products", 1200);
  now_ += 999ms;
  ASSERT_TRUE(cache.find("products"));
  EXPECT_EQ(*cache.find("products"), 1200);
  EXPECT_FALSE(cache.find("other"));
  now_ += 1ms;
  EXPECT_FALSE(cache.find("products"));
  cache.store("products", 1300);  // a fresh read replaces it
  EXPECT_EQ(*cache.find("products"), 1300);
}

TEST_F(DocumentCountCache, RemembersThatQdrantReportedNoCount) {
  document_count_cache cache(1s, clock_);
  cache.store("products", std::nullopt);
  const auto found = cache.find("products");
  ASSERT_TRUE(found);  // an answer: no count
  EXPECT_FALSE(*found);
}

TEST_F(DocumentCountCache, AZeroTtlNeverAnswers) {
  document_count_cache cache(0ms, clock_);
  cache.store("products", 1200);
  EXPECT_FALSE(cache.find("products"));
}

TEST_F(DocumentCountCache, DropsExpiredEntriesOnceItHoldsMany) {
  document_count_cache cache(1s, clock_);
  for (int i = 0; i < 1024; ++i)
    cache.store("gone_" + std::to_string(i), i);
  EXPECT_EQ(cache.size(), 1024u);
  now_ += 2s;
  cache.store("fresh", 1);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(*cache.find("fresh"), 1);
}

}  // namespace
}  // namespace index_optimizer
