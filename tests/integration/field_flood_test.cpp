// A producer inventing field names (issue 12, section 1) against the real daemon and a real
// redis-server: 200 000 distinct names in one namespace, twenty times the default field cap. No
// Redis command runs 10 ms or longer, no client gets BUSY, a producer of another namespace has
// every XADD accepted, /healthz and usage keep answering, and afterwards the namespace counts
// ingest.max_fields_per_namespace fields and the rest of its observations in its overflow entry.
// It prints its figures (time to count the flood, the slowest usage answer, the longest Redis
// command).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "support/daemon_process.hpp"
#include "support/filter_events.hpp"
#include "support/redis_server.hpp"
#include "support/registry_metrics.hpp"
#include "support/wait.hpp"

namespace index_optimizer::testing {
namespace {

using namespace std::chrono_literals;

const std::map<std::string, std::string> k_admin = {{"Authorization", "Bearer dev-admin-key"}};
const std::string k_stream = "io:{events}";

constexpr int k_cap = 10'000;  // the default ingest.max_fields_per_namespace
constexpr int k_names = 200'000;

// SLOWLOG measures a command's wall time, which on a shared host includes the time the server
// waited for a CPU. Run at a real-time priority where the host allows it, the server is not
// preempted by other processes, so the log measures its own work; elsewhere it runs as usual.
void prefer_real_time(const redis_server& redis) {
  const auto info = redis.cli({"INFO", "server"});
  const auto at = info.find("process_id:");
  if (at == std::string::npos) return;
  const auto pid = std::stol(info.substr(at + 11));
  const std::string command = "chrt --rr -p 1 " + std::to_string(pid) + " >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) {
    std::cerr << "note: redis-server runs without real-time priority; SLOWLOG includes host "
                 "scheduling delays\n";
  }
}

std::string namespace_id_of(daemon_process& daemon, const std::string& name) {
  const auto r =
      daemon.request("POST", "/v1/namespaces",
                     R"({"namespace_name": ")" + name + R"(", "feature_extractors": []})", k_admin);
  EXPECT_EQ(r.status, 200u) << r.body;
  if (r.status != 200u) return {};
  return std::string(boost::json::parse(r.body).at("namespace_id").as_string());
}

TEST(FieldFlood, TwoHundredThousandNewFieldNamesBlockNeitherRedisNorTheApi) {
  redis_server redis({.extra_args = {"--slowlog-log-slower-than", "10000", "--slowlog-max-len",
                                     "100000", "--latency-monitor-threshold", "1"}});
  prefer_real_time(redis);
  daemon_process daemon(
      "auth:\n  keys:\n    - name: admin\n"
      "      sha256: df76ff796f70d2c9cb055ea6280553caa27eda26b70e01082c160de75a05a4a9\n"
      "      permissions: [admin]\n"
      "optimizer:\n  enabled: false\n"
      // One-second buckets: a fold every second of the flood, each of up to the cap's fields.
      "window:\n  length: 1h\n  bucket: 1s\n  analytics_length: 2h\n  analytics_bucket: 1m\n",
      redis.url());
  const std::string flood_id = namespace_id_of(daemon, "flood");
  const std::string calm_id = namespace_id_of(daemon, "calm");
  ASSERT_FALSE(flood_id.empty());
  ASSERT_FALSE(calm_id.empty());
  ASSERT_EQ(redis.cli({"SLOWLOG", "RESET"}), "OK");

  // The flood: pipelined XADDs of events naming one new field each.
  std::atomic<bool> flooding{true};
  std::atomic<int> flood_errors{0};
  std::thread flood([&] {
    auto connection = connect_or_throw(redis.endpoint());
    std::vector<redis_command> batch;
    for (int i = 0; i < k_names; ++i) {
      batch.push_back({"XADD", k_stream, "*", "namespace", "flood", "fields",
                       R"(["random_)" + std::to_string(i) + R"("])"});
      if (batch.size() == 1000 || i + 1 == k_names) {
        auto replies = connection.pipeline(batch);
        if (!replies) {
          ++flood_errors;
        } else {
          for (const auto& reply : *replies)
            flood_errors += reply.is_error() ? 1 : 0;
        }
        batch.clear();
      }
    }
    flooding.store(false);
  });
  // Meanwhile a well-behaved producer of another namespace, one XADD at a time.
  std::atomic<bool> calm_running{true};
  std::atomic<int> calm_sent{0};
  std::vector<std::string> calm_errors;
  std::thread calm([&] {
    auto connection = connect_or_throw(redis.endpoint());
    while (calm_running.load()) {
      auto reply = connection.command(
          {"XADD", k_stream, "*", "namespace", "calm", "fields", R"(["brand", "color"])"});
      if (!reply) {
        calm_errors.push_back(reply.error().message);
      } else if (reply->is_error()) {
        calm_errors.push_back(reply->as_string());
      } else {
        ++calm_sent;
      }
      std::this_thread::sleep_for(5ms);
    }
  });

  // The API answers throughout: health and the flooded namespace's usage, a page at a time,
  // until usage shows every flood event counted (the calm producer goes on meanwhile).
  std::vector<std::string> api_failures;
  std::chrono::milliseconds slowest_usage{0};
  std::size_t largest_usage = 0;
  int probes = 0;
  bool flood_counted = false;
  const auto flood_started = std::chrono::steady_clock::now();
  const auto deadline = flood_started + 150s;
  while (!flood_counted && std::chrono::steady_clock::now() < deadline) {
    const bool flood_sent = !flooding.load();
    ++probes;
    const auto health = daemon.get("/healthz");
    if (health.status != 200u) api_failures.push_back("healthz " + std::to_string(health.status));
    const auto asked = std::chrono::steady_clock::now();
    auto usage = daemon.get("/v1/analytics/indexes/usage?period=1h&limit=100",
                            {{"Authorization", "Bearer dev-admin-key"}, {"X-Namespace", "flood"}});
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - asked);
    slowest_usage = std::max(slowest_usage, took);
    largest_usage = std::max(largest_usage, usage.body.size());
    if (usage.status != 200u) {
      api_failures.push_back("usage " + std::to_string(usage.status) + " " + usage.body);
    } else if (flood_sent) {
      const auto json = boost::json::parse(usage.body);
      const auto& overflow = json.at("field_overflow");
      flood_counted = json.at("total_fields") == k_cap && overflow.is_object() &&
                      overflow.at("query_count") == k_names - k_cap;
    }
    std::this_thread::sleep_for(200ms);
  }
  const auto elapsed = std::chrono::steady_clock::now() - flood_started;
  flood.join();
  calm_running.store(false);
  calm.join();
  ASSERT_TRUE(flood_counted) << "ingestion fell behind";
  auto redis_client = connect_or_throw(redis.endpoint());
  ASSERT_TRUE(wait_until(
      [&] { return read_group_state(redis_client, k_stream, "index-optimizer").drained(); }, 60s));

  EXPECT_EQ(flood_errors.load(), 0);
  EXPECT_TRUE(calm_errors.empty()) << calm_errors.front();
  EXPECT_GT(calm_sent.load(), 0);
  EXPECT_GE(probes, 3) << "the API was probed while the flood was ingested";
  EXPECT_TRUE(api_failures.empty())
      << api_failures.size() << " failures, first: " << api_failures.front();
  EXPECT_LE(largest_usage, 64u * 1024) << "a page of 100 fields";
  std::cerr << "flood: " << k_names << " names sent and counted in "
            << std::chrono::duration_cast<std::chrono::seconds>(elapsed).count()
            << " s; slowest usage answer " << slowest_usage.count() << " ms over " << probes
            << " probes; largest usage body " << largest_usage << " bytes\n";

  // The longest command, for the record (LATENCY LATEST: event, time, latest ms, longest ms).
  std::cerr << "flood: redis LATENCY LATEST (events of 1 ms or more): "
            << redis.cli({"LATENCY", "LATEST"}) << "\n";
  // No command ran 10 ms or longer, and nobody was told BUSY.
  const auto slow = redis.cli({"SLOWLOG", "GET", "20"});
  EXPECT_EQ(redis.cli({"SLOWLOG", "LEN"}), "0") << slow;
  EXPECT_EQ(redis.cli({"INFO", "errorstats"}).find("BUSY"), std::string::npos)
      << redis.cli({"INFO", "errorstats"});

  // The flooded namespace counts the first k_cap fields and the rest in its overflow entry; the
  // calm one counts every event.
  const auto usage =
      daemon.get("/v1/analytics/indexes/usage?period=1h&limit=1",
                 {{"Authorization", "Bearer dev-admin-key"}, {"X-Namespace", "flood"}});
  ASSERT_EQ(usage.status, 200u) << usage.body;
  const auto json = boost::json::parse(usage.body);
  EXPECT_EQ(json.at("total_fields"), k_cap);
  EXPECT_EQ(json.at("fields").as_array().size(), 1u);
  EXPECT_TRUE(json.at("next_cursor").is_string());
  EXPECT_EQ(json.at("field_overflow").at("query_count"), k_names - k_cap);
  EXPECT_EQ(json.at("field_overflow").at("max_fields_per_namespace"), k_cap);
  const auto calm_usage =
      daemon.get("/v1/analytics/indexes/usage?period=1h",
                 {{"Authorization", "Bearer dev-admin-key"}, {"X-Namespace", "calm"}});
  ASSERT_EQ(calm_usage.status, 200u);
  const auto calm_json = boost::json::parse(calm_usage.body);
  EXPECT_EQ(calm_json.at("total_fields"), 2);
  EXPECT_EQ(calm_json.at("fields").at(0).at("query_count"), calm_sent.load());
  EXPECT_TRUE(calm_json.at("field_overflow").is_null());

  // Named in the metrics and, once a minute at most, in the log.
  const auto metrics = daemon.get("/metrics").body;
  EXPECT_EQ(exposition_metric_sum(metrics, "index_optimizer_ingest_field_overflow_total",
                                  {{"namespace", flood_id}}),
            k_names - k_cap);
  EXPECT_EQ(exposition_metric_sum(metrics, "index_optimizer_ingest_namespace_fields",
                                  {{"namespace", flood_id}}),
            k_cap);
  EXPECT_EQ(exposition_metric_sum(metrics, "index_optimizer_ingest_field_overflow_total",
                                  {{"namespace", calm_id}}),
            0);
  const auto output = daemon.output();
  std::size_t warnings = 0;
  for (auto at = output.find("reached ingest.max_fields_per_namespace"); at != std::string::npos;
       at = output.find("reached ingest.max_fields_per_namespace", at + 1)) {
    ++warnings;
  }
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(elapsed).count();
  EXPECT_GE(warnings, 1u);
  EXPECT_LE(warnings, static_cast<std::size_t>(minutes) + 1) << "one warning a minute at most";
}

}  // namespace
}  // namespace index_optimizer::testing
