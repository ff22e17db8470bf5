#include "qdrant_port/qdrant_bulkhead.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace index_optimizer::qdrant {
namespace {

// Takes a place on a thread of its own (places belong to the thread that took them) and keeps
// it until release() or destruction.
class holder {
 public:
  explicit holder(qdrant_bulkhead& bulkhead) {
    thread_ = std::thread([this, &bulkhead] {
      auto place = bulkhead.try_enter();
      got_.store(place.has_value());
      entered_.store(true);
      while (!release_.load())
        std::this_thread::yield();
    });
    while (!entered_.load())
      std::this_thread::yield();
  }
  ~holder() { release(); }
  void release() {
    release_.store(true);
    if (thread_.joinable()) thread_.join();
  }
  bool got() const { return got_.load(); }

 private:
  std::atomic<bool> entered_{false};
  std::atomic<bool> got_{false};
  std::atomic<bool> release_{false};
  std::thread thread_;
};

TEST(QdrantBulkhead, RefusesOnceEveryPlaceIsTakenAndAdmitsAgainWhenOneIsFree) {
  qdrant_bulkhead bulkhead(2);
  holder a(bulkhead);
  holder b(bulkhead);
  ASSERT_TRUE(a.got());
  ASSERT_TRUE(b.got());
  EXPECT_EQ(bulkhead.in_use(), 2u);
  EXPECT_FALSE(bulkhead.try_enter());
  a.release();
  EXPECT_EQ(bulkhead.in_use(), 1u);
  EXPECT_TRUE(bulkhead.try_enter());
}

// A namespace change reserves one place and makes several calls in it.
TEST(QdrantBulkhead, AThreadHoldingAPlaceEntersAgainForFree) {
  qdrant_bulkhead bulkhead(1);
  auto outer = bulkhead.try_enter();
  ASSERT_TRUE(outer);
  EXPECT_TRUE(bulkhead.held_by_this_thread());
  {
    auto inner = bulkhead.try_enter();
    ASSERT_TRUE(inner);
    EXPECT_EQ(bulkhead.in_use(), 1u);
  }
  EXPECT_TRUE(bulkhead.held_by_this_thread());  // the nested place gave nothing back
  holder other(bulkhead);
  EXPECT_FALSE(other.got());
  outer.reset();
  EXPECT_FALSE(bulkhead.held_by_this_thread());
  EXPECT_EQ(bulkhead.in_use(), 0u);
}

TEST(QdrantBulkhead, AMovedPlaceIsReleasedOnce) {
  std::atomic<int> gauge{0};
  qdrant_bulkhead bulkhead(1, [&](int delta) { gauge += delta; });
  {
    auto place = bulkhead.try_enter();
    ASSERT_TRUE(place);
    EXPECT_EQ(gauge.load(), 1);
    qdrant_bulkhead::place moved = std::move(*place);
    place.reset();
    EXPECT_EQ(bulkhead.in_use(), 1u);
  }
  EXPECT_EQ(bulkhead.in_use(), 0u);
  EXPECT_EQ(gauge.load(), 0);
}

TEST(QdrantBulkhead, ManyThreadsNeverHoldMoreThanTheLimit) {
  qdrant_bulkhead bulkhead(3);
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        auto place = bulkhead.try_enter();
        if (!place) continue;
        ++admitted;
        const int now = ++inside;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        --inside;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_LE(most.load(), 3);
  EXPECT_GT(admitted.load(), 0);
  EXPECT_EQ(bulkhead.in_use(), 0u);
}

}  // namespace
}  // namespace index_optimizer::qdrant
