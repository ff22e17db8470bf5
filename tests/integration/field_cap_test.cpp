// The per-namespace field cap (ingest.max_fields_per_namespace) against a real redis-server and
// real consumers: exact however many consumers commit, the rest counted in the overflow entry,
// fields leaving the registry with the window, and commits bounded in the fields they carry.
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "ingest/batch_aggregate.hpp"
#include "ingest/ingest_service.hpp"
#include "support/filter_events.hpp"
#include "support/redis_server.hpp"
#include "support/registry_metrics.hpp"
#include "support/wait.hpp"
#include "window_store/window_keys.hpp"
#include "window_store/window_store.hpp"

namespace index_optimizer::testing {
namespace {

using namespace std::chrono_literals;

const std::string k_stream = "io:{events}";
const test_namespace k_alpha{"ns_alpha0000001", "alpha"};
const test_namespace k_bravo{"ns_bravo0000002", "bravo"};

config test_config(const redis_server& redis, const std::string& consumer) {
  config cfg;
  cfg.redis.url = redis.url();
  cfg.redis.endpoint = redis.endpoint();
  cfg.ingest.streams = {k_stream};
  cfg.ingest.consumer_name = consumer;
  cfg.ingest.block = 100ms;
  cfg.ingest.commit_interval = 20ms;
  cfg.ingest.batch_size = 50;
  cfg.ingest.reclaim_idle = 5s;
  cfg.shutdown.drain_timeout = 5s;
  return cfg;
}

entry_fields fields_event(const std::string& namespace_ref, const std::vector<std::string>& names) {
  std::string list = "[";
  for (const auto& name : names) {
    if (list.size() > 1) list += ',';
    list += '"' + name + '"';
  }
  return {{"namespace", namespace_ref}, {"fields", list + "]"}};
}

class FieldCapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    register_namespace(connection_, "io:", k_alpha);
    register_namespace(connection_, "io:", k_bravo);
  }

  void await_drained() {
    ASSERT_TRUE(wait_until(
        [&] { return read_group_state(connection_, k_stream, "index-optimizer").drained(); }, 60s));
  }

  namespace_window_stats read(const config& cfg, const test_namespace& ns,
                              window_kind kind = window_kind::decision) {
    auto stats = read_namespace_window(connection_, cfg, ns.id, kind);
    EXPECT_TRUE(stats) << stats.error().message;
    return stats ? std::move(*stats) : namespace_window_stats{};
  }

  std::string registry_size(const test_namespace& ns) {
    return redis_.cli({"ZCARD", field_registry_key("io:", k_stream, ns.id)});
  }

  redis_server redis_;
  redis_connection connection_ = connect_or_throw(redis_.endpoint());
};

// Two consumers commit a namespace's events over 200 distinct fields, with a cap of 40: exactly
// 40 fields are counted, each exactly (a field is admitted from its first commit or never), the
// observations of the other 160 sum up in the overflow entry, and another namespace is untouched.
TEST_F(FieldCapTest, TheCapIsExactAcrossConsumersAndTheRestIsCountedInTheOverflowEntry) {
  constexpr std::size_t k_cap = 40;
  std::mt19937_64 random(7);
  std::map<std::string, std::uint64_t> expected;
  std::uint64_t observations = 0;
  std::vector<entry_fields> events;
  for (int i = 0; i < 3000; ++i) {
    std::set<std::string> names;
    while (names.size() < 2)
      names.insert("f" + std::to_string(random() % 200));
    for (const auto& name : names)
      ++expected[name];
    observations += names.size();
    events.push_back(fields_event(k_alpha.name, {names.begin(), names.end()}));
    if (i % 10 == 0) events.push_back(fields_event(k_bravo.id, {"brand", "color"}));
  }
  prometheus::Registry metrics_1;
  prometheus::Registry metrics_2;
  auto cfg_1 = test_config(redis_, "consumer-1");
  cfg_1.ingest.max_fields_per_namespace = k_cap;
  auto cfg_2 = test_config(redis_, "consumer-2");
  cfg_2.ingest.max_fields_per_namespace = k_cap;
  ingest_service one(cfg_1, metrics_1);
  ingest_service two(cfg_2, metrics_2);
  one.start();
  two.start();
  for (std::size_t at = 0; at < events.size(); at += 300) {
    add_events(connection_, k_stream,
               {events.begin() + static_cast<std::ptrdiff_t>(at),
                events.begin() + static_cast<std::ptrdiff_t>(std::min(events.size(), at + 300))});
  }
  await_drained();
  ASSERT_TRUE(one.stop(5s));
  ASSERT_TRUE(two.stop(5s));

  EXPECT_EQ(registry_size(k_alpha), std::to_string(k_cap));
  for (const auto kind : k_all_windows) {
    const auto stats = read(cfg_1, k_alpha, kind);
    ASSERT_EQ(stats.fields.size(), k_cap);
    std::uint64_t counted = 0;
    for (const auto& f : stats.fields) {
      EXPECT_EQ(f.count, expected.at(f.path)) << f.path << " is counted under its name in full";
      counted += f.count;
    }
    ASSERT_TRUE(stats.overflow);
    EXPECT_EQ(stats.overflow->count, observations - counted);
    EXPECT_EQ(stats.events, 3000u);
    const auto bravo = read(cfg_1, k_bravo, kind);
    ASSERT_EQ(bravo.fields.size(), 2u);
    EXPECT_EQ(bravo.fields[0].count, 300u);
    EXPECT_FALSE(bravo.overflow);
  }
  const auto overflow = read(cfg_1, k_alpha).overflow->count;
  const auto metric = [&](const char* name, const test_namespace& ns) {
    return metric_sum(metrics_1, name, {{"namespace", ns.id}}) +
           metric_sum(metrics_2, name, {{"namespace", ns.id}});
  };
  EXPECT_EQ(metric("index_optimizer_ingest_field_overflow_total", k_alpha),
            static_cast<double>(overflow));
  EXPECT_EQ(metric("index_optimizer_ingest_field_overflow_total", k_bravo), 0);
  // Each consumer's gauge holds the registry's size at its last commit of the namespace.
  EXPECT_EQ(std::max(metric_sum(metrics_1, "index_optimizer_ingest_namespace_fields",
                                {{"namespace", k_alpha.id}}),
                     metric_sum(metrics_2, "index_optimizer_ingest_namespace_fields",
                                {{"namespace", k_alpha.id}})),
            static_cast<double>(k_cap));
}

// A field stays registered while a bucket holding it is in either window; once the last one has
// left both, the sweeper drops it from the registry and a new field takes its place.
TEST_F(FieldCapTest, AFieldLeavesTheRegistryWhenItsLastBucketLeavesBothWindows) {
  auto cfg = test_config(redis_, "consumer-1");
  cfg.ingest.max_fields_per_namespace = 2;
  cfg.window.length = 2s;
  cfg.window.bucket = 1s;
  cfg.window.analytics_length = 4s;
  cfg.window.analytics_bucket = 2s;
  prometheus::Registry metrics;
  ingest_service service(cfg, metrics);
  service.start();
  add_events(connection_, k_stream, {fields_event(k_alpha.name, {"a", "b"})});
  await_drained();
  add_events(connection_, k_stream, {fields_event(k_alpha.name, {"c"})});
  await_drained();
  auto stats = read(cfg, k_alpha, window_kind::analytics);
  ASSERT_EQ(stats.fields.size(), 2u);
  ASSERT_TRUE(stats.overflow);
  EXPECT_EQ(stats.overflow->count, 1u) << "c came after the cap was reached";
  EXPECT_EQ(registry_size(k_alpha), "2");

  // Gone from both windows within 4-6 s; the consumer's sweeper then empties the registry.
  ASSERT_TRUE(wait_until([&] { return registry_size(k_alpha) == "0"; }, 20s));
  add_events(connection_, k_stream, {fields_event(k_alpha.name, {"c"})});
  await_drained();
  stats = read(cfg, k_alpha, window_kind::analytics);
  ASSERT_EQ(stats.fields.size(), 1u);
  EXPECT_EQ(stats.fields[0].path, "c");
  EXPECT_FALSE(stats.overflow) << "the overflow entry left the window with its bucket";
  EXPECT_EQ(registry_size(k_alpha), "1");
}

// A read of events naming many new fields is committed in several commits, each bounded to about
// k_commit_max_paths fields, and every count stays exact.
TEST_F(FieldCapTest, ACommitCarriesAboutKCommitMaxPathsFieldsAtMost) {
  auto cfg = test_config(redis_, "consumer-1");
  cfg.ingest.batch_size = 500;
  cfg.ingest.commit_interval = 10s;  // only the path bound (or the drain) commits
  cfg.ingest.commit_max_events = 100000;
  std::vector<entry_fields> events;
  for (int i = 0; i < 500; ++i) {
    std::vector<std::string> names;
    for (int j = 0; j < 10; ++j)
      names.push_back("f" + std::to_string(i * 10 + j));
    events.push_back(fields_event(k_alpha.name, names));
  }
  add_events(connection_, k_stream, events);
  prometheus::Registry metrics;
  ingest_service service(cfg, metrics);
  service.start();
  ASSERT_TRUE(wait_until(
      [&] { return metric_sum(metrics, "index_optimizer_ingest_events_counted_total") >= 400; },
      60s));
  ASSERT_TRUE(service.stop(5s));
  // 5000 distinct fields, 500 per commit: at least nine commits before the last events.
  EXPECT_GE(metric_sum(metrics, "index_optimizer_ingest_commit_entries"), 9);
  const auto stats = read(cfg, k_alpha);
  EXPECT_EQ(stats.events, 500u);
  ASSERT_EQ(stats.fields.size(), 5000u);
  for (const auto& f : stats.fields)
    ASSERT_EQ(f.count, 1u) << f.path;
}

}  // namespace
}  // namespace index_optimizer::testing
