// The data-loss monitor: what raises the suspicion, what clears it, what /readyz and /metrics say.
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "ingest/data_loss_monitor.hpp"
#include "support/registry_metrics.hpp"

namespace index_optimizer {
namespace {

using testing::metric_sum;

TEST(DataLossMonitor, ARecreatedGroupRaisesItUntilEventsAreCountedAgain) {
  prometheus::Registry registry;
  data_loss_monitor monitor(registry);
  EXPECT_FALSE(monitor.suspected());
  EXPECT_EQ(monitor.check().detail, "");

  monitor.group_recreated("io:{events}");
  EXPECT_TRUE(monitor.suspected());
  const auto check = monitor.check();
  EXPECT_TRUE(check.ok) << "the admin API is what the operator recovers with";
  EXPECT_EQ(check.name, "redis_data");
  EXPECT_NE(check.detail.find("consumer group of stream io:{events}"), std::string::npos);
  EXPECT_NE(check.detail.find("--replay-dead-letters"), std::string::npos) << check.detail;
  EXPECT_EQ(metric_sum(registry, "index_optimizer_redis_data_loss_suspected"), 1);
  EXPECT_EQ(metric_sum(registry, "index_optimizer_ingest_consumer_group_recreated_total",
                       {{"stream", "io:{events}"}}),
            1);

  monitor.counting();
  EXPECT_FALSE(monitor.suspected());
  EXPECT_EQ(monitor.check().detail, "");
  EXPECT_EQ(metric_sum(registry, "index_optimizer_redis_data_loss_suspected"), 0);
  EXPECT_EQ(metric_sum(registry, "index_optimizer_ingest_consumer_group_recreated_total"), 1)
      << "the counter keeps the history";
}

TEST(DataLossMonitor, AnEmptyRegistryAddsToTheDetailOfTheSameEpisode) {
  prometheus::Registry registry;
  data_loss_monitor monitor(registry);
  monitor.registry_empty("io:{events}", "shop");
  monitor.registry_empty("io:{events}", "shop");
  monitor.group_recreated("io:{events}");
  const auto detail = monitor.check().detail;
  EXPECT_NE(detail.find("(e.g. \"shop\") but the namespace registry is empty"), std::string::npos)
      << detail;
  EXPECT_NE(detail.find("had to be created again"), std::string::npos) << detail;
  EXPECT_EQ(detail.find("shop"), detail.rfind("shop")) << "a repeated signal is named once";
}

}  // namespace
}  // namespace index_optimizer
