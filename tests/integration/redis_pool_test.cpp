#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "redis/redis_pool.hpp"
#include "support/redis_server.hpp"
#include "support/silent_listener.hpp"
#include "support/wait.hpp"

namespace index_optimizer {
namespace {

using namespace std::chrono_literals;
using testing::redis_server;
using clock = std::chrono::steady_clock;

redis_pool_options small_pool(std::size_t size) {
  redis_pool_options options;
  options.size = size;
  options.connect_timeout = 1000ms;
  options.command_timeout = 1000ms;
  options.reconnect = {10ms, 100ms, 2.0, 0.5};
  return options;
}

long long client_id(redis_pool::lease& lease) {
  return lease->command({"CLIENT", "ID"}).value().as_integer();
}

class RedisPoolTest : public ::testing::Test {
 protected:
  redis_server server_;
};

TEST_F(RedisPoolTest, OpensConnectionsLazilyAndReusesIdleOnes) {
  redis_pool pool(server_.endpoint(), small_pool(2));
  EXPECT_EQ(pool.stats().open, 0u);
  long long first_id = 0;
  {
    auto lease = pool.acquire(1s);
    ASSERT_TRUE(lease) << lease.error().message;
    first_id = client_id(*lease);
    EXPECT_EQ(pool.stats().open, 1u);
    EXPECT_EQ(pool.stats().idle, 0u);
  }
  EXPECT_EQ(pool.stats().idle, 1u);
  auto again = pool.acquire(1s);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(client_id(*again), first_id);
  auto second = pool.acquire(1s);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_NE(client_id(*second), first_id);
  EXPECT_EQ(pool.stats().open, 2u);
}

TEST_F(RedisPoolTest, AcquireTimesOutWhenEveryConnectionIsInUse) {
  redis_pool pool(server_.endpoint(), small_pool(1));
  auto held = pool.acquire(1s);
  ASSERT_TRUE(held) << held.error().message;
  const auto start = clock::now();
  auto refused = pool.acquire(150ms);
  const auto elapsed = clock::now() - start;
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, redis_errc::pool_exhausted) << refused.error().message;
  EXPECT_GE(elapsed, 140ms);
  EXPECT_LT(elapsed, 2000ms);
}

TEST_F(RedisPoolTest, AWaiterGetsTheConnectionHandedBack) {
  redis_pool pool(server_.endpoint(), small_pool(1));
  std::optional<redis_pool::lease> held;
  {
    auto leased = pool.acquire(1s);
    ASSERT_TRUE(leased) << leased.error().message;
    held.emplace(std::move(*leased));
  }
  const long long held_id = client_id(*held);
  auto waiter = std::async(std::launch::async, [&] {
    auto leased = pool.acquire(10s);
    return leased ? client_id(*leased) : -1;
  });
  EXPECT_EQ(waiter.wait_for(100ms), std::future_status::timeout);  // still waiting
  held.reset();
  ASSERT_EQ(waiter.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(waiter.get(), held_id);
}

TEST_F(RedisPoolTest, BrokenConnectionIsDroppedWithTheIdleOnes) {
  redis_pool pool(server_.endpoint(), small_pool(2));
  auto a = pool.acquire(1s);
  auto b = pool.acquire(1s);
  ASSERT_TRUE(a && b);
  const long long a_id = client_id(*a);
  const long long b_id = client_id(*b);
  { auto returned = std::move(*b); }
  EXPECT_EQ(pool.stats().idle, 1u);

  // The server closes `a` (as it would in a restart); its next command fails.
  ASSERT_EQ(server_.cli({"CLIENT", "KILL", "ID", std::to_string(a_id)}), "1");
  EXPECT_EQ((*a)->command({"PING"}).error().code, redis_errc::io);
  { auto returned = std::move(*a); }
  EXPECT_EQ(pool.stats().open, 0u);
  EXPECT_EQ(pool.stats().idle, 0u);

  auto fresh = pool.acquire(1s);
  ASSERT_TRUE(fresh) << fresh.error().message;
  const long long fresh_id = client_id(*fresh);
  EXPECT_NE(fresh_id, a_id);
  EXPECT_NE(fresh_id, b_id);
}

TEST_F(RedisPoolTest, ReconnectsAfterTheServerRestarts) {
  redis_pool pool(server_.endpoint(), small_pool(2));
  ASSERT_TRUE(pool.ping(1s)) << "first ping";

  server_.stop();
  auto down = pool.ping(1s);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, redis_errc::io) << down.error().message;

  server_.start();
  EXPECT_TRUE(testing::wait_until([&] { return pool.ping(1s).has_value(); }, 10s));
  auto lease = pool.acquire(1s);
  ASSERT_TRUE(lease) << lease.error().message;
  EXPECT_TRUE((*lease)->command({"SET", "after-restart", "1"}).value().is_status("OK"));
}

TEST_F(RedisPoolTest, FailsFastDuringReconnectBackoff) {
  auto options = small_pool(2);
  options.reconnect = {5000ms, 5000ms, 2.0, 0.0};
  redis_pool pool(server_.endpoint(), options);
  server_.stop();

  auto refused = pool.acquire(1s);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, redis_errc::io) << refused.error().message;

  server_.start();  // even though the server is back, the pool waits out its backoff
  const auto start = clock::now();
  auto backing_off = pool.acquire(1s);
  EXPECT_LT(clock::now() - start, 200ms);
  ASSERT_FALSE(backing_off);
  EXPECT_EQ(backing_off.error().code, redis_errc::io);
  EXPECT_NE(backing_off.error().message.find("next attempt in"), std::string::npos)
      << backing_off.error().message;
}

TEST_F(RedisPoolTest, HungServerCostsAtMostTheConnectTimeout) {
  testing::silent_listener hung;
  redis_endpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = hung.port();
  endpoint.password = "pw";
  auto options = small_pool(1);
  options.connect_timeout = 300ms;
  options.command_timeout = 10000ms;
  redis_pool pool(endpoint, options);
  const auto start = clock::now();
  auto result = pool.ping(5s);
  const auto elapsed = clock::now() - start;
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, redis_errc::timeout) << result.error().message;
  EXPECT_LT(elapsed, 2000ms);
}

TEST_F(RedisPoolTest, RestoresTheCommandTimeoutWhenALeaseEnds) {
  redis_pool pool(server_.endpoint(), small_pool(1));
  {
    auto lease = pool.acquire(1s);
    ASSERT_TRUE(lease) << lease.error().message;
    ASSERT_TRUE((*lease)->set_timeout(7000ms));
  }
  auto lease = pool.acquire(1s);
  ASSERT_TRUE(lease) << lease.error().message;
  EXPECT_EQ((*lease)->timeout(), 1000ms);
}

TEST_F(RedisPoolTest, ManyThreadsShareTheBoundedPool) {
  redis_pool pool(server_.endpoint(), small_pool(3));
  std::atomic<int> failures{0};
  std::atomic<std::size_t> most_open{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto lease = pool.acquire(10s);
        if (!lease || !(*lease)->command({"INCR", "shared"})) {
          ++failures;
          continue;
        }
        const auto open = pool.stats().open;
        auto seen = most_open.load();
        while (open > seen && !most_open.compare_exchange_weak(seen, open)) {
        }
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(most_open.load(), 3u);
  EXPECT_EQ(server_.cli({"GET", "shared"}), "400");
}

TEST(RedisPoolAuthTest, PingReportsMissingCredentialsAsAuth) {
  redis_server server{redis_server::options{.requirepass = "pool-pw-99"}};
  auto endpoint = server.endpoint();
  redis_pool authenticated(endpoint, small_pool(1));
  EXPECT_TRUE(authenticated.ping(1s));

  endpoint.password.clear();
  redis_pool anonymous(endpoint, small_pool(1));
  auto result = anonymous.ping(1s);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, redis_errc::auth) << result.error().message;
}

}  // namespace
}  // namespace index_optimizer
