// Ingestion through the real daemon and a real redis-server, where the admin API, /readyz and
// /metrics are part of what is checked: events right after a namespace is created, commits
// paused near Redis' maxmemory, and a Redis that restarted empty (detected, reported, recovered
// with the dead-letter replay).
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ingest/redis_memory_guard.hpp"
#include "support/daemon_process.hpp"
#include "support/filter_events.hpp"
#include "support/redis_server.hpp"
#include "support/registry_metrics.hpp"
#include "support/wait.hpp"

namespace index_optimizer::testing {
namespace {

using namespace std::chrono_literals;

const std::string k_stream = "io:{events}";
const std::string k_dead_letters = "io:{events}:dead-letter";
const std::map<std::string, std::string> k_admin = {{"Authorization", "Bearer dev-admin-key"}};

std::string daemon_config() {
  return "auth:\n  keys:\n    - name: admin\n"
         "      sha256: df76ff796f70d2c9cb055ea6280553caa27eda26b70e01082c160de75a05a4a9\n"
         "      permissions: [admin]\n"
         "optimizer:\n  enabled: false\n"
         "ingest:\n  block: 200ms\n  commit_interval: 100ms\n";
}

std::map<std::string, std::string> with_namespace(const std::string& ns) {
  auto headers = k_admin;
  headers["X-Namespace"] = ns;
  return headers;
}

void create_namespace(daemon_process& d, const std::string& name) {
  const auto r =
      d.request("POST", "/v1/namespaces",
                R"({"namespace_name": ")" + name + R"(", "feature_extractors": []})", k_admin);
  ASSERT_EQ(r.status, 200u) << r.body << d.output();
}

// The usage API's query count of field "a" of `ns` (0 when it has no fields yet, -1 on error).
std::int64_t count_of_a(daemon_process& d, const std::string& ns) {
  const auto r = d.get("/v1/analytics/indexes/usage", with_namespace(ns));
  if (r.status != 200) return -1;
  const auto usage = parse_json(r.body);
  for (const auto& field : usage.at("fields").as_array()) {
    if (field.at("field_name") == "a") return field.at("query_count").to_number<std::int64_t>();
  }
  return 0;
}

double metric(daemon_process& d, const std::string& name,
              const std::map<std::string, std::string>& labels = {}) {
  const auto r = d.get("/metrics");
  return r.status == 200 ? exposition_metric_sum(r.body, name, labels) : -1;
}

// The /readyz check named `name`, or null.
boost::json::value readiness_check(const http_result& readyz, const std::string& name) {
  const auto body = parse_json(readyz.body);
  const auto* checks = body.as_object().if_contains("checks");
  if (checks == nullptr) checks = &body.at("error").at("details").at("checks");
  for (const auto& check : checks->as_array()) {
    if (check.at("name").as_string() == name) return check;
  }
  return nullptr;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

std::uint64_t used_memory(const redis_server& redis) {
  const auto sample = parse_info_memory(redis.cli({"INFO", "memory"}));
  if (!sample) throw std::runtime_error("INFO memory did not parse");
  return sample->used;
}

const entry_fields k_event_of_shop = {{"namespace", "shop"}, {"fields", R"(["a"])"}};

// The issue's report: events sent milliseconds after a successful create were dead-lettered,
// because the consumer had cached "no such namespace" for up to a second. Each round names the
// namespace in an event before it exists (so the miss is cached), creates it over the API, and at
// once adds 10 000 events: every one is counted, none dead-lettered.
TEST(IngestDaemon, EventsSentRightAfterANamespaceIsCreatedAreAllCounted) {
  redis_server redis;
  daemon_process d(daemon_config(), redis.url());
  auto producer = connect_or_throw(redis.endpoint());
  for (int round = 1; round <= 3; ++round) {
    const std::string name = "shop-" + std::to_string(round);
    const entry_fields event = {{"namespace", name}, {"fields", R"(["a"])"}};
    add_events(producer, k_stream, {event});
    ASSERT_TRUE(wait_until([&] {
      return redis.cli({"XLEN", k_dead_letters}) == std::to_string(round);
    })) << d.output();

    create_namespace(d, name);
    add_events(producer, k_stream, std::vector<entry_fields>(10000, event));
    EXPECT_TRUE(wait_until([&] { return count_of_a(d, name) == 10000; }, 60s))
        << "round " << round << ": counted " << count_of_a(d, name) << ", dead letters "
        << redis.cli({"XLEN", k_dead_letters});
    EXPECT_EQ(redis.cli({"XLEN", k_dead_letters}), std::to_string(round))
        << "only the event sent before the create is dead-lettered";
  }
  EXPECT_EQ(
      metric(d, "index_optimizer_ingest_dead_letters_total", {{"reason", "unknown_namespace"}}), 3);
}

// With noeviction, Redis refuses a script only before its first write: commits took Redis to
// 2.9x its maxmemory. Near the limit the daemon stops committing (and reading), says so in
// /readyz, /metrics and one error log line, and resumes with nothing lost once there is room.
TEST(IngestDaemon, CommitsPauseNearRedisMaxmemoryAndResumeWithNothingLost) {
  redis_server redis;
  daemon_process d(daemon_config(), redis.url());
  create_namespace(d, "shop");
  ASSERT_TRUE(wait_until([&] { return d.get("/readyz").status == 200; })) << d.output();

  // A 24 MiB ballast, then a maxmemory that puts Redis at 96 %: above the pause line, with room
  // for the events below.
  redis.cli({"SETRANGE", "ballast", std::to_string(24 << 20), "x"});
  const auto max = used_memory(redis) * 100 / 96;
  redis.cli({"CONFIG", "SET", "maxmemory", std::to_string(max)});
  http_result readyz;
  ASSERT_TRUE(wait_until([&] {
    readyz = d.get("/readyz");
    return readyz.status == 503;
  })) << d.output();
  const auto check = readiness_check(readyz, "redis_memory");
  ASSERT_TRUE(check.is_object()) << readyz.body;
  EXPECT_EQ(check.at("ok"), false);
  EXPECT_NE(std::string(check.at("detail").as_string()).find("commits are paused"),
            std::string::npos)
      << readyz.body;
  EXPECT_EQ(metric(d, "index_optimizer_ingest_commits_paused"), 1);
  EXPECT_EQ(readiness_check(readyz, "ingest").at("ok"), true) << "paused, not stalled";

  auto producer = connect_or_throw(redis.endpoint());
  add_events(producer, k_stream, std::vector<entry_fields>(1000, k_event_of_shop));
  // Once the consumer has sampled INFO memory twice after the events arrived, it has been through
  // its loop, where it would have read them.
  const auto info_calls = [&] {
    const auto stats = redis.cli({"INFO", "commandstats"});
    const auto at = stats.find("cmdstat_info:calls=");
    return at == std::string::npos ? 0 : std::stoll(stats.substr(at + 19));
  };
  const auto first = info_calls();
  long long polls = 1;  // ours count too, one per poll
  ASSERT_TRUE(wait_until([&] { return info_calls() - first - polls++ >= 2; })) << d.output();
  const auto state = read_group_state(producer, k_stream, "index-optimizer");
  EXPECT_EQ(state.lag, 1000) << "nothing read while paused";
  EXPECT_EQ(state.pending, 0);
  EXPECT_EQ(count_of_a(d, "shop"), 0);
  EXPECT_LE(used_memory(redis), max);

  redis.cli({"CONFIG", "SET", "maxmemory", "0"});
  EXPECT_TRUE(wait_until([&] { return count_of_a(d, "shop") == 1000; }, 30s)) << d.output();
  EXPECT_TRUE(wait_until([&] { return d.get("/readyz").status == 200; })) << d.output();
  EXPECT_EQ(metric(d, "index_optimizer_ingest_commits_paused"), 0);
  const auto out = d.output();
  EXPECT_EQ(occurrences(out, "commits are paused"), 1u) << "one log line per change";
  EXPECT_EQ(occurrences(out, "commits resume"), 1u) << out;
}

// A Redis user without INFO permission: no guard (one warning), and counting goes on.
TEST(IngestDaemon, WithoutPermissionForInfoTheGuardIsOffAndCountingGoesOn) {
  redis_server redis;
  redis.cli({"ACL", "SETUSER", "default", "-info"});
  daemon_process d(daemon_config(), redis.url());
  create_namespace(d, "shop");
  auto producer = connect_or_throw(redis.endpoint());
  add_events(producer, k_stream, std::vector<entry_fields>(10, k_event_of_shop));
  EXPECT_TRUE(wait_until([&] { return count_of_a(d, "shop") == 10; })) << d.output();
  EXPECT_EQ(occurrences(d.output(), "cannot read INFO memory"), 1u) << d.output();
  EXPECT_EQ(metric(d, "index_optimizer_ingest_commits_paused"), 0);
}

// Redis restarted without persistence: the namespaces, the stream and its group are gone. The
// daemon says so once (log, metric, /readyz detail); the operator recreates the namespace and
// replays the dead letters written meanwhile, each counted once.
TEST(IngestDaemon, RedisRestartedEmptyIsReportedAndItsDeadLettersReplayOnceTheNamespaceExists) {
  redis_server redis;
  daemon_process d(daemon_config(), redis.url());
  create_namespace(d, "shop");
  {
    auto producer = connect_or_throw(redis.endpoint());
    add_events(producer, k_stream, std::vector<entry_fields>(10, k_event_of_shop));
  }
  ASSERT_TRUE(wait_until([&] { return count_of_a(d, "shop") == 10; })) << d.output();
  EXPECT_EQ(metric(d, "index_optimizer_redis_data_loss_suspected"), 0);

  redis.stop();
  redis.start();  // no AOF, no RDB: empty
  ASSERT_TRUE(
      wait_until([&] { return metric(d, "index_optimizer_redis_data_loss_suspected") == 1; }, 30s))
      << d.output();
  EXPECT_EQ(metric(d, "index_optimizer_ingest_consumer_group_recreated_total"), 1);
  http_result readyz;
  ASSERT_TRUE(wait_until([&] {
    readyz = d.get("/readyz");
    return readyz.status == 200;
  })) << readyz.body;
  const auto check = readiness_check(readyz, "redis_data");
  ASSERT_TRUE(check.is_object()) << readyz.body;
  EXPECT_EQ(check.at("ok"), true) << "the admin API stays in service to recover with";
  EXPECT_NE(std::string(check.at("detail").as_string()).find("--replay-dead-letters"),
            std::string::npos)
      << readyz.body;

  auto producer = connect_or_throw(redis.endpoint());
  add_events(producer, k_stream, std::vector<entry_fields>(50, k_event_of_shop));
  ASSERT_TRUE(wait_until([&] {
    return redis.cli({"XLEN", k_dead_letters}) == "50";
  })) << d.output();
  EXPECT_EQ(occurrences(d.output(), "appears to have lost the daemon's data"), 1u) << d.output();

  create_namespace(d, "shop");
  child_process replay(INDEX_OPTIMIZER_BINARY,
                       {"--config", d.config_path().string(), "--replay-dead-letters"},
                       {{"INDEX_OPTIMIZER_REDIS_URL", redis.url()}});
  ASSERT_EQ(replay.wait_for_exit(30s), 0) << replay.output();
  EXPECT_NE(replay.output().find("replayed: 50"), std::string::npos) << replay.output();
  EXPECT_TRUE(wait_until([&] { return count_of_a(d, "shop") == 50; })) << d.output();
  EXPECT_EQ(redis.cli({"XLEN", k_dead_letters}), "0");
  EXPECT_TRUE(
      wait_until([&] { return metric(d, "index_optimizer_redis_data_loss_suspected") == 0; }));
  const auto cleared = readiness_check(d.get("/readyz"), "redis_data");
  EXPECT_EQ(cleared.at("detail"), "") << "counting again clears it";
}

// The other signal, without a reconnect: a daemon (re)started against an empty Redis sees events
// naming namespaces while the registry holds none.
TEST(IngestDaemon, EventsNamingNamespacesWhileTheRegistryIsEmptyAreReported) {
  redis_server redis;
  daemon_process d(daemon_config(), redis.url());
  auto producer = connect_or_throw(redis.endpoint());
  add_events(producer, k_stream, {k_event_of_shop});
  ASSERT_TRUE(wait_until([&] {
    return metric(d, "index_optimizer_redis_data_loss_suspected") == 1;
  })) << d.output();
  const auto check = readiness_check(d.get("/readyz"), "redis_data");
  ASSERT_TRUE(check.is_object());
  EXPECT_NE(std::string(check.at("detail").as_string())
                .find("name namespaces (e.g. \"shop\") but the namespace registry is empty"),
            std::string::npos)
      << check;
  EXPECT_EQ(metric(d, "index_optimizer_ingest_consumer_group_recreated_total"), 0);

  create_namespace(d, "shop");
  add_events(producer, k_stream, {k_event_of_shop});
  EXPECT_TRUE(wait_until([&] {
    return metric(d, "index_optimizer_redis_data_loss_suspected") == 0;
  })) << d.output();
}

}  // namespace
}  // namespace index_optimizer::testing
