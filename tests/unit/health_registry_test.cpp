#include "ops/health_registry.hpp"

#include <gtest/gtest.h>

namespace index_optimizer {
namespace {

TEST(HealthRegistry, ComponentIsNotReadyBeforeFirstHeartbeat) {
  health_registry h;
  h.register_component("consumer", std::chrono::seconds(10));
  auto r = h.components();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_FALSE(r[0].ok);
  h.heartbeat("consumer");
  EXPECT_TRUE(health_registry::all_ok(h.components()));
}

TEST(HealthRegistry, StalledComponentFails) {
  health_registry h;
  h.register_component("consumer", std::chrono::milliseconds(1));
  h.heartbeat("consumer");
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(5)) {
  }
  const auto r = h.components();
  EXPECT_FALSE(r[0].ok);
  EXPECT_NE(r[0].detail.find("no progress"), std::string::npos);
}

TEST(HealthRegistry, ReportedFailureHoldsUntilNextHeartbeat) {
  health_registry h;
  h.register_component("c", std::chrono::seconds(10));
  h.heartbeat("c");
  h.report_failure("c", "redis unreachable");
  EXPECT_EQ(h.components()[0].detail, "redis unreachable");
  h.heartbeat("c");
  EXPECT_TRUE(h.components()[0].ok);
}

TEST(HealthRegistry, AFailingComponentIsAliveAndAStalledOneIsNot) {
  health_registry h;
  h.register_component("consumer", std::chrono::milliseconds(50));
  EXPECT_FALSE(h.alive()) << "nothing heard from it yet";
  h.report_failure("consumer", "redis unreachable");
  EXPECT_TRUE(h.alive()) << "retrying a failure is not being wedged";
  EXPECT_FALSE(health_registry::all_ok(h.components()));
  h.heartbeat("consumer");
  EXPECT_TRUE(h.alive());
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(60)) {
  }
  EXPECT_FALSE(h.alive()) << "neither progress nor a failure within the stall limit";
}

TEST(HealthRegistry, ChecksRunOnEvaluate) {
  health_registry h;
  int calls = 0;
  h.add_check("redis", [&] {
    ++calls;
    return health_check_result{"", false, "connection refused"};
  });
  const auto r = h.evaluate();
  EXPECT_EQ(calls, 1);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].name, "redis");
  EXPECT_FALSE(health_registry::all_ok(r));
}

}  // namespace
}  // namespace index_optimizer
