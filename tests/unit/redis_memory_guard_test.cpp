// The Redis-memory headroom rule (pause at 95 % of maxmemory, resume below 90 %), INFO memory
// parsing, and what the guard tells /readyz and /metrics.
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "ingest/redis_memory_guard.hpp"
#include "support/registry_metrics.hpp"

namespace index_optimizer {
namespace {

using namespace std::chrono_literals;

TEST(RedisMemoryGuard, ParsesInfoMemory) {
  const auto sample = parse_info_memory(
      "# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\nmaxmemory:2097152\r\n"
      "maxmemory_human:2.00M\r\nmaxmemory_policy:noeviction\r\n");
  ASSERT_TRUE(sample);
  EXPECT_EQ(*sample, (redis_memory_sample{1048576, 2097152, "noeviction"}));
  EXPECT_FALSE(parse_info_memory("# Memory\r\nused_memory:12\r\n")) << "no maxmemory";
  EXPECT_FALSE(parse_info_memory("used_memory:twelve\r\nmaxmemory:0\r\n"));
  EXPECT_FALSE(parse_info_memory(""));
}

TEST(RedisMemoryGuard, PausesAtNinetyFivePercentAndResumesBelowNinety) {
  const memory_headroom_policy policy;
  const auto at = [](std::uint64_t used) { return redis_memory_sample{used, 1000, "noeviction"}; };
  EXPECT_EQ(next_commit_gate(commit_gate::open, at(949), policy), commit_gate::open);
  EXPECT_EQ(next_commit_gate(commit_gate::open, at(950), policy), commit_gate::paused);
  EXPECT_EQ(next_commit_gate(commit_gate::open, at(3000), policy), commit_gate::paused);
  // Between the lines the gate stays as it was: no flapping around one figure.
  EXPECT_EQ(next_commit_gate(commit_gate::paused, at(920), policy), commit_gate::paused);
  EXPECT_EQ(next_commit_gate(commit_gate::open, at(920), policy), commit_gate::open);
  EXPECT_EQ(next_commit_gate(commit_gate::paused, at(900), policy), commit_gate::paused);
  EXPECT_EQ(next_commit_gate(commit_gate::paused, at(899), policy), commit_gate::open);
}

TEST(RedisMemoryGuard, WithoutMaxmemoryTheGateIsOpen) {
  const memory_headroom_policy policy;
  EXPECT_EQ(next_commit_gate(commit_gate::paused, {1ull << 40, 0, "noeviction"}, policy),
            commit_gate::open);
  EXPECT_EQ(next_sample_in({1ull << 40, 0, "noeviction"}, policy), 1000ms);
}

TEST(RedisMemoryGuard, SamplesMoreOftenNearTheLine) {
  const memory_headroom_policy policy;
  EXPECT_EQ(next_sample_in({849, 1000, ""}, policy), 1000ms);
  EXPECT_EQ(next_sample_in({850, 1000, ""}, policy), 100ms);
}

TEST(RedisMemoryGuard, ReadinessFailsWhilePausedNamingTheFiguresAndMetricsFollow) {
  prometheus::Registry registry;
  redis_memory_guard guard(registry);
  EXPECT_TRUE(guard.check().ok);
  guard.observe({970, 1000, "noeviction"});
  EXPECT_TRUE(guard.paused());
  const auto failing = guard.check();
  EXPECT_FALSE(failing.ok);
  EXPECT_EQ(failing.name, "redis_memory");
  EXPECT_NE(failing.detail.find("97% of maxmemory (970 of 1000 bytes)"), std::string::npos)
      << failing.detail;
  EXPECT_NE(failing.detail.find("paused"), std::string::npos) << failing.detail;
  EXPECT_EQ(testing::metric_sum(registry, "index_optimizer_ingest_commits_paused"), 1);
  EXPECT_EQ(testing::metric_sum(registry, "index_optimizer_redis_used_memory_bytes"), 970);
  EXPECT_EQ(testing::metric_sum(registry, "index_optimizer_redis_maxmemory_bytes"), 1000);

  guard.observe({850, 1000, "noeviction"});
  EXPECT_FALSE(guard.paused());
  EXPECT_TRUE(guard.check().ok);
  EXPECT_EQ(testing::metric_sum(registry, "index_optimizer_ingest_commits_paused"), 0);
}

TEST(RedisMemoryGuard, AnUnreadableInfoLeavesTheGateOpen) {
  prometheus::Registry registry;
  redis_memory_guard guard(registry);
  guard.unavailable("NOPERM this user has no permissions to run the 'info' command");
  EXPECT_FALSE(guard.paused());
  EXPECT_TRUE(guard.check().ok);
}

}  // namespace
}  // namespace index_optimizer
