// The optimizer's Redis state on a real redis-server: the leader lease and its fencing, the
// lease keeper, the persisted schedule and the run history.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "optimizer_store/leader_lease.hpp"
#include "optimizer_store/lease_keeper.hpp"
#include "optimizer_store/run_history.hpp"
#include "optimizer_store/run_schedule.hpp"
#include "redis/redis_pool.hpp"
#include "support/redis_server.hpp"
#include "support/wait.hpp"

namespace index_optimizer {
namespace {

using namespace std::chrono_literals;
using testing::redis_server;
using testing::wait_until;

class OptimizerStoreTest : public ::testing::Test {
 protected:
  OptimizerStoreTest() : pool_(server_.endpoint(), {8, 1000ms, 2000ms, {}}), keys_("t:") {}

  redis_pool::lease connection() { return std::move(pool_.acquire(1000ms)).value(); }

  lease_token grant(std::string_view instance, std::chrono::milliseconds ttl = 5000ms) {
    auto c = connection();
    auto acquired = try_acquire_lease(*c, keys_, instance, ttl);
    EXPECT_TRUE(acquired.has_value());
    EXPECT_TRUE(acquired->granted.has_value());
    return *acquired->granted;
  }

  // A lease granted with a short TTL and then left to run out.
  lease_token expired_grant(std::string_view instance) {
    const auto token = grant(instance, 100ms);
    EXPECT_TRUE(wait_until([&] {
      auto c = connection();
      return !read_lease(*c, keys_).value().has_value();
    }));
    return token;
  }

  redis_server server_;
  redis_pool pool_;
  optimizer_keys keys_;
};

TEST_F(OptimizerStoreTest, KeysShareTheOptHashTag) {
  for (const auto& key : {keys_.lease(), keys_.fence(), keys_.next_run(), keys_.runs(),
                          keys_.run("run_x"), keys_.active()}) {
    EXPECT_EQ(key.rfind("t:{opt}:", 0), 0u) << key;
  }
}

TEST_F(OptimizerStoreTest, OneHolderAtATimeWithAFenceThatOnlyGrows) {
  const auto first = grant("host-a");
  EXPECT_EQ(first.fence, 1);
  EXPECT_EQ(first.instance_id, "host-a");

  auto c = connection();
  auto second = try_acquire_lease(*c, keys_, "host-b", 5000ms);
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(second->granted.has_value());
  ASSERT_TRUE(second->holder.has_value());
  EXPECT_EQ(second->holder->token, first);
  EXPECT_GT(second->holder->remaining, 0ms);

  EXPECT_TRUE(release_lease(*c, keys_, first).value());
  EXPECT_FALSE(release_lease(*c, keys_, first).value());  // already gone
  const auto third = grant("host-b");
  EXPECT_EQ(third.fence, 2);
  EXPECT_EQ(read_fence(*c, keys_).value(), 2);
  EXPECT_EQ(read_lease(*c, keys_).value()->token, third);
}

TEST_F(OptimizerStoreTest, AnExpiredHolderCanNeitherRenewNorReleaseItsSuccessor) {
  const auto stale = expired_grant("host-a");
  const auto fresh = grant("host-b");
  auto c = connection();
  EXPECT_FALSE(renew_lease(*c, keys_, stale, 5000ms).value());
  EXPECT_FALSE(release_lease(*c, keys_, stale).value());
  EXPECT_TRUE(renew_lease(*c, keys_, fresh, 5000ms).value());
  EXPECT_EQ(read_lease(*c, keys_).value()->token, fresh);
}

TEST_F(OptimizerStoreTest, FencedWritesOfAStaleLeaderChangeNothing) {
  const auto stale = expired_grant("host-a");
  const auto fresh = grant("host-b");
  auto c = connection();
  ASSERT_EQ(read_or_init_next_run(*c, keys_, 5000).value(), 5000);

  EXPECT_FALSE(store_next_run(*c, keys_, stale, 9999).value());
  EXPECT_EQ(read_next_run(*c, keys_).value(), 5000);
  EXPECT_FALSE(
      save_run(*c, keys_, stale, {"run_old", 1000, R"({"a":1})", active_marker::set}, 1h, 2000)
          .value());
  EXPECT_FALSE(load_run(*c, keys_, "run_old").value().has_value());
  EXPECT_FALSE(active_run(*c, keys_).value().has_value());

  EXPECT_TRUE(store_next_run(*c, keys_, fresh, 7000).value());
  EXPECT_EQ(read_next_run(*c, keys_).value(), 7000);
  EXPECT_TRUE(
      save_run(*c, keys_, fresh, {"run_new", 1000, R"({"b":2})", active_marker::set}, 1h, 2000)
          .value());
  EXPECT_EQ(load_run(*c, keys_, "run_new").value(), std::optional<std::string>(R"({"b":2})"));
}

TEST_F(OptimizerStoreTest, TheFirstScheduleWinsAndLaterStartsKeepIt) {
  auto c = connection();
  EXPECT_FALSE(read_next_run(*c, keys_).value().has_value());
  EXPECT_EQ(read_or_init_next_run(*c, keys_, 1000).value(), 1000);
  // A restart (or a second instance) proposes its own time: the stored one stays.
  EXPECT_EQ(read_or_init_next_run(*c, keys_, 5000).value(), 1000);
}

TEST_F(OptimizerStoreTest, HistoryListsNewestFirstPagesAndForgetsPastRetention) {
  const auto token = grant("host-a");
  auto c = connection();
  const std::int64_t now = 10'000'000;
  for (int i = 0; i < 5; ++i) {
    const std::string id = "run_" + std::to_string(i);
    ASSERT_TRUE(save_run(*c, keys_, token,
                         {id, now - 1000 * (5 - i), R"({"i":)" + std::to_string(i) + "}",
                          active_marker::keep},
                         1h, now)
                    .value());
  }
  auto page = list_runs(*c, keys_, now - 3'600'000, 0, 2).value();
  EXPECT_EQ(page.total, 5);
  EXPECT_EQ(page.records, (std::vector<std::string>{R"({"i":4})", R"({"i":3})"}));
  page = list_runs(*c, keys_, now - 3'600'000, 4, 2).value();
  EXPECT_EQ(page.records, (std::vector<std::string>{R"({"i":0})"}));
  // Runs that started before the cutoff are no longer listed.
  page = list_runs(*c, keys_, now - 2500, 0, 10).value();
  EXPECT_EQ(page.total, 2);
  // A later save drops index entries past retention for good.
  ASSERT_TRUE(save_run(*c, keys_, token, {"run_9", now + 3'600'000, "{}", active_marker::keep}, 1h,
                       now + 3'600'000 - 2500)
                  .value());
  EXPECT_EQ(server_.cli({"ZCARD", keys_.runs()}), "3");
  // Records expire on their own.
  const auto ttl = std::stoll(server_.cli({"PTTL", keys_.run("run_0")}));
  EXPECT_GT(ttl, 3'500'000);
  EXPECT_LE(ttl, 3'600'000);
}

TEST_F(OptimizerStoreTest, ActiveMarkerIsSetAndClearedOnlyByItsRun) {
  const auto token = grant("host-a");
  auto c = connection();
  ASSERT_TRUE(save_run(*c, keys_, token, {"run_a", 1, "{}", active_marker::set}, 1h, 2).value());
  EXPECT_EQ(active_run(*c, keys_).value(), std::optional<std::string>("run_a"));
  ASSERT_TRUE(save_run(*c, keys_, token, {"run_b", 1, "{}", active_marker::clear}, 1h, 2).value());
  EXPECT_EQ(active_run(*c, keys_).value(), std::optional<std::string>("run_a"));
  ASSERT_TRUE(save_run(*c, keys_, token, {"run_a", 1, "{}", active_marker::clear}, 1h, 2).value());
  EXPECT_FALSE(active_run(*c, keys_).value().has_value());
}

TEST_F(OptimizerStoreTest, TheFinalSaveMovesTheScheduleAndGivesTheLeaseUpInOneStep) {
  const auto token = grant("host-a");
  auto c = connection();
  ASSERT_EQ(read_or_init_next_run(*c, keys_, 1000).value(), 1000);
  ASSERT_TRUE(save_run(*c, keys_, token, {"run_a", 1, "{}", active_marker::set}, 1h, 2).value());
  run_save final_save{"run_a", 1, R"({"status":"succeeded"})", active_marker::clear};
  final_save.next_run_ms = 5000;
  final_save.release_lease = true;
  ASSERT_TRUE(save_run(*c, keys_, token, final_save, 1h, 2).value());
  EXPECT_EQ(read_next_run(*c, keys_).value(), 5000);
  EXPECT_FALSE(read_lease(*c, keys_).value().has_value());
  EXPECT_FALSE(active_run(*c, keys_).value().has_value());
  EXPECT_EQ(load_run(*c, keys_, "run_a").value(),
            std::optional<std::string>(R"({"status":"succeeded"})"));
  // Done once, it cannot be done again by the same (now released) holder.
  final_save.next_run_ms = 9000;
  EXPECT_FALSE(save_run(*c, keys_, token, final_save, 1h, 2).value());
  EXPECT_EQ(read_next_run(*c, keys_).value(), 5000);
}

TEST_F(OptimizerStoreTest, TheKeeperHoldsTheLeaseFarBeyondItsTtl) {
  const auto token = grant("host-a", 300ms);
  lease_keeper keeper(pool_, keys_, token, 300ms);
  const auto until = std::chrono::steady_clock::now() + 1200ms;
  // Several TTLs pass; the lease must never lapse meanwhile.
  while (std::chrono::steady_clock::now() < until) {
    auto c = connection();
    ASSERT_EQ(read_lease(*c, keys_).value()->token, token);
    ASSERT_TRUE(keeper.held());
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(keeper.confirm());
  keeper.release();
  EXPECT_FALSE(keeper.held());
  auto c = connection();
  EXPECT_FALSE(read_lease(*c, keys_).value().has_value());
}

TEST_F(OptimizerStoreTest, AnAbandonedLeaseExpiresAndItsKeeperLearnsItLostIt) {
  const auto token = grant("host-a", 200ms);
  {
    lease_keeper keeper(pool_, keys_, token, 200ms);
    keeper.abandon();
    EXPECT_FALSE(keeper.held());
  }  // destroying an abandoned keeper does not release
  ASSERT_TRUE(wait_until([&] {
    auto c = connection();
    return !read_lease(*c, keys_).value().has_value();
  }));

  const auto stale = grant("host-a", 200ms);
  lease_keeper stalled(pool_, keys_, stale, 200ms);
  {
    // Another instance takes the key over (as after an expiry the keeper did not notice).
    auto c = connection();
    ASSERT_TRUE(release_lease(*c, keys_, stale).value());
  }
  grant("host-b");
  EXPECT_FALSE(stalled.confirm());
  EXPECT_FALSE(stalled.held());
  stalled.release();  // must not delete host-b's lease
  auto c = connection();
  EXPECT_EQ(read_lease(*c, keys_).value()->token.instance_id, "host-b");
}

}  // namespace
}  // namespace index_optimizer
