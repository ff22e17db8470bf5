// Faults against the real daemon binary with a real redis-server (and the fake Qdrant for the
// optimizer): Redis killed and restarted during ingestion and during an optimizer run, the daemon
// SIGKILLed over and over, Redis connections killed and Redis paused under load, and a flood of
// malformed events. Each test compares what Redis holds with a reference count of the events it
// produced: nothing lost, nothing counted twice.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fake_qdrant.hpp"
#include "filter_decoder/decode_reason.hpp"
#include "support/daemon_process.hpp"
#include "support/event_producer.hpp"
#include "support/filter_events.hpp"
#include "support/redis_server.hpp"
#include "support/registry_metrics.hpp"
#include "support/wait.hpp"

namespace index_optimizer::testing {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

const std::string k_stream = "io:{events}";
const std::string k_dead_letters = "io:{events}:dead-letter";
const std::string k_group = "index-optimizer";
const std::map<std::string, std::string> k_admin = {{"Authorization", "Bearer dev-admin-key"}};
const std::string k_no_optimizer = "optimizer:\n  enabled: false\n";

const std::vector<test_namespace> k_namespaces = {
    {"ns_alpha0000001", "alpha"}, {"ns_bravo0000002", "bravo"}, {"ns_charlie00003", "charlie"}};

// The daemon tuned for fast recovery: short blocking reads and commits, reclaim_idle at its
// minimum, Redis calls that give up after a second. `ingest` adds keys to the ingest section,
// `extra` whole sections.
std::string daemon_config(const std::string& consumer, const std::string& extra = k_no_optimizer,
                          const std::string& ingest = {}) {
  return "logging:\n  level: info\n"
         "auth:\n  keys:\n    - name: admin\n"
         "      sha256: df76ff796f70d2c9cb055ea6280553caa27eda26b70e01082c160de75a05a4a9\n"
         "      permissions: [admin]\n"
         "redis:\n  connect_timeout: 500ms\n  command_timeout: 1s\n"
         "ingest:\n  consumer_name: \"" +
         consumer +
         "\"\n  batch_size: 200\n  block: 100ms\n  commit_interval: 20ms\n"
         "  commit_max_events: 400\n  reclaim_idle: 1s\n" +
         ingest + extra;
}

// The daemon's Redis layout (default key prefix, stream and windows), to read the counts back.
config layout() {
  config cfg;
  cfg.ingest.streams = {k_stream};
  return cfg;
}

// A metric of the daemon's /metrics; -1 when it does not answer.
double scraped(daemon_process& d, const std::string& name,
               const std::map<std::string, std::string>& labels = {}) {
  try {
    const auto metrics = d.get("/metrics");
    return metrics.status == 200 ? exposition_metric_sum(metrics.body, name, labels) : -1;
  } catch (const std::exception&) {
    return -1;
  }
}

double counted(daemon_process& d) {
  return scraped(d, "index_optimizer_ingest_events_counted_total");
}

unsigned readyz_status(daemon_process& d) {
  try {
    return d.get("/readyz").status;
  } catch (const std::exception&) {
    return 0;
  }
}

class FaultInjection : public ::testing::Test {
 protected:
  static void register_namespaces(redis_server& redis) {
    auto connection = connect_or_throw(redis.endpoint());
    for (const auto& ns : k_namespaces)
      register_namespace(connection, "io:", ns);
  }

  // Waits until every event in the stream is counted and acknowledged, then compares the windows
  // with the reference.
  static void expect_exact_counts(redis_server& redis, const event_reference& reference,
                                  const std::vector<test_namespace>& namespaces = k_namespaces,
                                  std::chrono::milliseconds deadline = 60s) {
    auto connection = connect_or_throw(redis.endpoint());
    ASSERT_TRUE(wait_until(
        [&] { return read_group_state(connection, k_stream, k_group).drained(); }, deadline))
        << "pending " << read_group_state(connection, k_stream, k_group).pending.value_or(-1)
        << ", lag " << read_group_state(connection, k_stream, k_group).lag.value_or(-1);
    for (const auto& difference : window_differences(connection, layout(), namespaces, reference))
      ADD_FAILURE() << difference;
  }

  static event_producer::options producer_options(
      redis_server& redis, std::uint64_t seed,
      const std::vector<test_namespace>& namespaces = k_namespaces) {
    event_producer::options o;
    o.endpoint = redis.endpoint();
    o.stream = k_stream;
    o.seed = seed;
    o.namespaces = namespaces;
    return o;
  }

  // Waits until the daemon has counted `more` events beyond what it had counted on entry.
  static bool await_progress(daemon_process& d, double more = 200,
                             std::chrono::milliseconds deadline = 30s) {
    double start = -1;  // the first count the daemon answers with
    return wait_until(
        [&] {
          const double now = counted(d);
          if (start < 0) start = now;
          return now >= 0 && now >= start + more;
        },
        deadline);
  }
};

// Redis is SIGKILLed twice while the daemon counts a stream a producer keeps filling; with
// appendfsync always every acknowledged write survives. /readyz answers 503 while Redis is down
// and 200 once it is back, and afterwards every produced event is counted exactly once.
TEST_F(FaultInjection, RedisKilledAndRestartedDuringIngestionLosesAndDuplicatesNothing) {
  redis_server redis(redis_server::options{.append_only = true});
  register_namespaces(redis);
  daemon_process d(daemon_config("daemon-1"), redis.url());
  event_producer producer(producer_options(redis, 101));
  ASSERT_TRUE(wait_until([&] { return readyz_status(d) == 200; })) << d.output();

  for (int restart = 0; restart < 2; ++restart) {
    ASSERT_TRUE(await_progress(d, 300)) << d.output();
    redis.stop();  // SIGKILL, mid-stream
    ASSERT_TRUE(wait_until([&] { return readyz_status(d) == 503; }, 15s)) << d.output();
    const auto body = d.get("/readyz").body;
    EXPECT_NE(body.find("redis: unreachable"), std::string::npos) << body;
    EXPECT_EQ(d.get("/healthz").status, 200u) << "alive while not ready";
    redis.start();
    ASSERT_TRUE(wait_until([&] { return readyz_status(d) == 200; }, 30s)) << d.output();
  }
  ASSERT_TRUE(await_progress(d)) << d.output();
  producer.stop();
  expect_exact_counts(redis, producer.reference());
  EXPECT_GE(scraped(d, "index_optimizer_ingest_reconnects_total"), 2);
  EXPECT_GE(scraped(d, "index_optimizer_ingest_redis_errors_total"), 2);
  EXPECT_GE(producer.reconnects(), 2u) << "the producer lived through the outages too";
  EXPECT_TRUE(d.process().running());
}

// The daemon is SIGKILLed 24 times while a producer keeps adding events: a quarter of the kills
// land at a random moment of start-up, the rest at a random moment once it is consuming (blocking
// read, decode, commit). Some restarts reuse the consumer name (its pending entries are re-read
// at once), others take a new one (the dead consumer's entries are reclaimed after
// reclaim_idle). A last daemon drains the stream: every event counted once.
TEST_F(FaultInjection, DaemonSigkilledAtRandomPointsTwentyFourTimesCountsExactly) {
  redis_server redis;
  register_namespaces(redis);
  std::uint64_t seed = std::random_device{}();
  if (const char* fixed = std::getenv("FAULT_INJECTION_SEED")) seed = std::stoull(fixed);
  SCOPED_TRACE("kill points from seed " + std::to_string(seed) +
               " (rerun with FAULT_INJECTION_SEED=" + std::to_string(seed) + ")");
  std::mt19937_64 random(seed);
  event_producer producer(producer_options(redis, seed));
  auto connection = connect_or_throw(redis.endpoint());
  const auto entries_read = [&] {
    return read_group_state(connection, k_stream, k_group).entries_read.value_or(0);
  };

  constexpr int k_kills = 24;
  int kills_while_consuming = 0;
  for (int round = 0; round < k_kills; ++round) {
    const std::string consumer =
        round % 3 == 2 ? "daemon-" + std::to_string(round) : std::string("daemon");
    const auto before = entries_read();
    daemon_process d({daemon_config(consumer), redis.url(), {}, /*wait_ready=*/false});
    // Not synchronisation: random delays so that the kill lands anywhere in the daemon's life.
    if (random() % 4 == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(random() % 100));
    } else {
      ASSERT_TRUE(wait_until([&] { return entries_read() > before || !d.process().running(); }))
          << d.output();
      std::this_thread::sleep_for(std::chrono::milliseconds(random() % 200));
    }
    ASSERT_TRUE(d.process().running()) << d.output();
    if (entries_read() > before) ++kills_while_consuming;
    d.process().kill_now();
  }
  EXPECT_GE(kills_while_consuming, k_kills / 2);

  producer.stop();
  daemon_process last(daemon_config("daemon"), redis.url());
  expect_exact_counts(redis, producer.reference());
  last.process().send_signal(SIGTERM);
  EXPECT_EQ(last.process().wait_for_exit(10s), 0) << last.output();
}

boost::json::object run_record_of(daemon_process& d, const std::string& run_id) {
  const auto r = d.get("/v1/optimizer/runs/" + run_id, k_admin);
  if (r.status != 200) return {};
  return parse_json(r.body).as_object();
}

std::string run_status(daemon_process& d, const std::string& run_id) {
  try {
    const auto record = run_record_of(d, run_id);
    const auto* status = record.if_contains("status");
    return status != nullptr && status->is_string() ? std::string(status->as_string()) : "";
  } catch (const std::exception&) {
    return "";
  }
}

// POST /v1/optimizer/runs until it starts a run (409 while one holds the lease, 503 while Redis
// is unreachable); its run id, or "" when none started within the deadline.
std::string start_run(daemon_process& d, std::chrono::milliseconds deadline = 30s) {
  std::string run_id;
  wait_until(
      [&] {
        try {
          const auto r = d.request("POST", "/v1/optimizer/runs", "{}", k_admin);
          if (r.status != 202) return false;
          run_id = std::string(parse_json(r.body).at("run_id").as_string());
          return true;
        } catch (const std::exception&) {
          return false;
        }
      },
      deadline, 100ms);
  return run_id;
}

// The decision a run record holds for `field` (of its first namespace), or an empty object.
boost::json::object decision_for(const boost::json::object& run, const std::string& field) {
  const auto* namespaces = run.if_contains("namespaces");
  if (namespaces == nullptr || !namespaces->is_array() || namespaces->as_array().empty()) return {};
  for (const auto& decision : namespaces->as_array().at(0).at("decisions").as_array()) {
    if (decision.at("field_name").as_string() == field) return decision.as_object();
  }
  return {};
}

// Redis is SIGKILLed (AOF on) while an on-demand optimizer run waits for Qdrant to build its first
// index (the fake Qdrant answers every request a second late). With a short outage the run may
// ride it out; with `outage_outlasts_build` Redis stays down until the build has answered and the
// run has ended abandoned (it cannot confirm its lease). Runs are then started over the API until
// one succeeds. Afterwards no run is left "running" in the history, the namespace lists exactly
// the indexes Qdrant has, and each index was requested from Qdrant once: the index whose build
// the outage interrupted is adopted, not built again.
void run_optimizer_through_redis_restart(bool outage_outlasts_build) {
  redis_server redis(redis_server::options{.append_only = true});
  fake_qdrant qdrant;
  qdrant.state().create_collection("shop_products");
  daemon_process d(daemon_config("daemon-1",
                                 "optimizer:\n  enabled: false\n  threshold: 5\n"
                                 "  lease: 2s\n"
                                 "qdrant:\n  url: " +
                                     qdrant.url() +
                                     "\n  max_retries: 0\n  request_timeout: 3s\n"
                                     "  index_timeout: 3s\n"),
                   redis.url());
  auto r = d.request("POST", "/v1/namespaces",
                     R"({"namespace_name": "shop", "feature_extractors": [],
                         "auto_create_indexes": true,
                         "infrastructure": {"qdrant_collection": "shop_products"}})",
                     k_admin);
  ASSERT_EQ(r.status, 200u) << r.body;
  const std::string index_path = "/collections/shop_products/index";
  const auto protected_puts = qdrant.count_requests("PUT", index_path);
  const std::vector<std::string> fields = {"brand", "color", "size"};
  {
    auto connection = connect_or_throw(redis.endpoint());
    std::vector<entry_fields> events;
    for (const auto& field : fields) {
      for (int i = 0; i < 6; ++i) {  // above the threshold of 5
        events.push_back(
            {{"namespace", "shop"},
             {"filter", R"({"must": [{"key": ")" + field + R"(", "match": {"value": "x"}}]})"}});
      }
    }
    add_events(connection, k_stream, events);
  }
  ASSERT_TRUE(wait_until([&] { return counted(d) == 18; })) << d.output();

  qdrant.set_response_delay(1s);
  const std::string first = start_run(d);
  ASSERT_FALSE(first.empty()) << d.output();
  // The first index build is in Qdrant's hands, its answer a second away: the outage starts now.
  ASSERT_TRUE(wait_until([&] { return qdrant.count_requests("PUT", index_path) > protected_puts; }))
      << d.output();
  EXPECT_EQ(run_status(d, first), "running");
  redis.stop();
  ASSERT_TRUE(wait_until([&] { return readyz_status(d) == 503; }, 15s)) << d.output();
  if (outage_outlasts_build) {
    // /metrics needs no Redis: the run ends while Redis is still down.
    ASSERT_TRUE(wait_until([&] {
      return scraped(d, "index_optimizer_optimizer_runs_total", {{"outcome", "abandoned"}}) == 1;
    })) << d.output();
  }
  redis.start();
  ASSERT_TRUE(wait_until([&] { return readyz_status(d) == 200; }, 30s)) << d.output();
  qdrant.set_response_delay(0ms);

  // Retried over the API (as an operator or the next scheduled run would) until a run succeeds.
  // A run that lost its lease stays "running" in the history until the next run takes the lease
  // over and marks it abandoned.
  std::vector<std::string> runs = {first};
  while (true) {
    ASSERT_LE(runs.size(), 4u) << "no run succeeded\n" << d.output();
    const std::string current = runs.back();
    std::string status;
    std::string next;
    ASSERT_TRUE(wait_until(
        [&] {
          status = run_status(d, current);
          if (status != "running" && !status.empty()) return true;
          if (current == first) next = start_run(d, 200ms);
          return !next.empty();
        },
        30s))
        << current << " is still running\n"
        << d.output();
    if (!next.empty()) {
      runs.push_back(next);
      continue;
    }
    if (status == "succeeded") break;
    next = start_run(d);
    ASSERT_FALSE(next.empty()) << d.output();
    runs.push_back(next);
  }

  // The interrupted run is closed in the history: resumed to success, or abandoned and followed by
  // a run that succeeded.
  const auto first_record = run_record_of(d, first);
  const std::string first_status(first_record.at("status").as_string());
  if (outage_outlasts_build) {
    EXPECT_EQ(first_status, "abandoned");
    // Its outcome could not be saved while Redis was down: the record keeps what was saved
    // before (not_attempted), or "failed" had it been saved; never "created".
    EXPECT_NE(decision_for(first_record, fields.front()).at("result"), "created")
        << boost::json::serialize(first_record);
    EXPECT_EQ(decision_for(run_record_of(d, runs.at(1)), fields.front()).at("result"), "adopted");
  } else {
    EXPECT_TRUE(first_status == "succeeded" || first_status == "abandoned") << first_status;
  }
  EXPECT_EQ(run_status(d, runs.back()), "succeeded");
  const auto history = parse_json(d.get("/v1/optimizer/runs?limit=100", k_admin).body);
  for (const auto& run : history.at("results").as_array())  // `history` outlives the loop
    EXPECT_NE(run.at("status"), "running") << boost::json::serialize(run);

  // Namespace state equals Qdrant state.
  std::set<std::string> in_qdrant;
  for (const auto& [field, schema] : qdrant.payload_schema("shop_products"))
    in_qdrant.insert(std::string(field));
  std::set<std::string> in_namespace;
  const auto ns = parse_json(d.get("/v1/namespaces/shop", k_admin).body);
  for (const auto& index : ns.at("payload_indexes").as_array())
    in_namespace.insert(std::string(index.at("field_name").as_string()));
  EXPECT_EQ(in_namespace, in_qdrant);
  for (const auto& field : fields)
    EXPECT_TRUE(in_qdrant.contains(field)) << field;

  // Nothing double-created: one PUT per field.
  std::map<std::string, int> puts;
  for (const auto& request : qdrant.requests()) {
    if (request.method != "PUT" || !request.target.starts_with(index_path)) continue;
    ++puts[std::string(parse_json(request.body).at("field_name").as_string())];
  }
  for (const auto& field : fields)
    EXPECT_EQ(puts[field], 1) << field;
  EXPECT_TRUE(d.process().running());
}

TEST_F(FaultInjection, RedisRestartDuringAnOptimizerRunIsRiddenOutOrRetriedWithoutDoubleCreating) {
  run_optimizer_through_redis_restart(/*outage_outlasts_build=*/false);
}

TEST_F(FaultInjection, OptimizerRunAbandonedInARedisOutageIsRetriedAndAdoptsTheIndexItBuilt) {
  run_optimizer_through_redis_restart(/*outage_outlasts_build=*/true);
}

// The daemon is SIGKILLed while the optimizer waits for Qdrant to build an index, holding the
// namespace's write lock. The lock it leaves behind expires within the namespace writer's 30 s
// lease (docs/redis-keys.md), not after qdrant.index_timeout (10 min by default); meanwhile a
// PATCH of the namespace answers 503 with Retry-After, and the next run marks the dead leader's
// run abandoned.
TEST_F(FaultInjection, DaemonKilledDuringAnIndexBuildLocksTheNamespaceForAtMostThirtySeconds) {
  redis_server redis;
  fake_qdrant qdrant;
  qdrant.state().create_collection("shop_products");
  const std::string sections =
      "optimizer:\n  enabled: false\n  threshold: 5\n  lease: 2s\n"
      "http:\n  request_timeout: 2s\n"
      "qdrant:\n  url: " +
      qdrant.url() + "\n  max_retries: 0\n";  // index_timeout: the default 10 min
  auto first_daemon =
      std::make_unique<daemon_process>(daemon_config("daemon-1", sections), redis.url());
  auto r = first_daemon->request("POST", "/v1/namespaces",
                                 R"({"namespace_name": "shop", "feature_extractors": [],
                                     "auto_create_indexes": true,
                                     "infrastructure": {"qdrant_collection": "shop_products"}})",
                                 k_admin);
  ASSERT_EQ(r.status, 200u) << r.body;
  const std::string namespace_id(parse_json(r.body).at("namespace_id").as_string());
  const std::string index_path = "/collections/shop_products/index";
  const auto protected_puts = qdrant.count_requests("PUT", index_path);
  for (int i = 0; i < 6; ++i) {
    redis.cli({"XADD", k_stream, "*", "namespace", "shop", "filter",
               R"({"must": [{"key": "brand", "match": {"value": "x"}}]})"});
  }
  ASSERT_TRUE(wait_until([&] { return counted(*first_daemon) == 6; })) << first_daemon->output();

  qdrant.set_response_delay(2s);
  const std::string first = start_run(*first_daemon);
  ASSERT_FALSE(first.empty()) << first_daemon->output();
  ASSERT_TRUE(wait_until([&] { return qdrant.count_requests("PUT", index_path) > protected_puts; }))
      << first_daemon->output();
  first_daemon->process().kill_now();
  first_daemon.reset();
  qdrant.set_response_delay(0ms);

  const auto lock_ttl_ms = std::stoll(redis.cli({"PTTL", "io:{ns}:lock:" + namespace_id}));
  EXPECT_GT(lock_ttl_ms, 0) << "the lock was held during the build";
  EXPECT_LE(lock_ttl_ms, 30000);

  daemon_process second(daemon_config("daemon-2", sections), redis.url());
  r = second.request("PATCH", "/v1/namespaces/shop", R"({"description": "while locked"})", k_admin);
  EXPECT_EQ(r.status, 503u) << r.body;
  EXPECT_EQ(r.header("retry-after"), "1");
  ASSERT_FALSE(start_run(second).empty()) << "the dead leader's lease expires\n" << second.output();
  EXPECT_EQ(run_status(second, first), "abandoned");
  EXPECT_EQ(qdrant.count_requests("PUT", index_path), protected_puts + 1);
}

// One API call and how it ended.
struct api_outcome {
  std::string request;
  unsigned status = 0;  // 0: no answer (the exception is in `error`)
  std::chrono::milliseconds elapsed{0};
  std::string error;
};

// Calls the admin API in a loop on a thread of its own (reads, a write, readiness) and keeps
// every outcome, until stop().
class api_traffic {
 public:
  api_traffic(unsigned short port, std::string ns, std::chrono::milliseconds client_timeout)
      : port_(port), ns_(std::move(ns)), client_timeout_(client_timeout) {
    thread_ = std::thread([this] { run(); });
  }
  ~api_traffic() { stop(); }

  std::vector<api_outcome> stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    return outcomes_;
  }

 private:
  void run() {
    auto with_namespace = k_admin;
    with_namespace["X-Namespace"] = ns_;
    struct call {
      std::string method, target, body;
      std::map<std::string, std::string> headers;
    };
    const std::vector<call> calls = {
        {"GET", "/v1/namespaces/" + ns_, "", k_admin},
        {"GET", "/v1/analytics/indexes/usage", "", with_namespace},
        {"PATCH", "/v1/namespaces/" + ns_, R"({"description": "under fire"})", k_admin},
        {"GET", "/readyz", "", {}},
    };
    for (std::size_t i = 0; !stop_.load(); ++i) {
      const auto& c = calls[i % calls.size()];
      api_outcome outcome;
      outcome.request = c.method + " " + c.target;
      const auto started = clock::now();
      try {
        outcome.status =
            http_request("127.0.0.1", port_, c.method, c.target, c.body, c.headers, client_timeout_)
                .status;
      } catch (const std::exception& e) {
        outcome.error = e.what();
      }
      outcome.elapsed =
          std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - started);
      outcomes_.push_back(std::move(outcome));
    }
  }

  unsigned short port_;
  std::string ns_;
  std::chrono::milliseconds client_timeout_;
  std::atomic<bool> stop_{false};
  std::vector<api_outcome> outcomes_;  // the thread's until stop() joins it
  std::thread thread_;
};

// Every client connection is killed again and again (CLIENT KILL TYPE normal, CLIENT KILL
// SKIPME yes: the daemon's consumer, its pool, the producer) and Redis is paused for 2 s (CLIENT
// PAUSE ALL, then WRITE), while events are produced and counted and the admin API is called.
// The daemon stays up and reconnects (the metric counts it), each API call answers 200 or 503
// within http.request_timeout (plus scheduling slack), and every event is counted exactly once.
TEST_F(FaultInjection, RedisConnectionKillsAndPausesUnderLoadLoseNothing) {
  redis_server redis;
  constexpr auto k_request_timeout = 1500ms;
  daemon_process d(daemon_config("daemon-1", k_no_optimizer + "http:\n  request_timeout: 1500ms\n"),
                   redis.url());
  std::vector<test_namespace> namespaces;
  for (const std::string name : {"alpha", "bravo", "charlie"}) {
    const auto r =
        d.request("POST", "/v1/namespaces",
                  R"({"namespace_name": ")" + name + R"(", "feature_extractors": []})", k_admin);
    ASSERT_EQ(r.status, 200u) << r.body;
    namespaces.push_back({std::string(parse_json(r.body).at("namespace_id").as_string()), name});
  }
  event_producer producer(producer_options(redis, 7, namespaces));
  // The client's own timeout sits well above the server's: an answer later than
  // request_timeout + slack is a hang, not a slow scheduler.
  constexpr auto k_slack = 3s;
  api_traffic api(d.port(), "alpha", k_request_timeout + k_slack + 5s);
  ASSERT_TRUE(await_progress(d)) << d.output();

  int kills = 0;
  for (const auto& command : std::vector<std::vector<std::string>>{
           {"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"},
           {"CLIENT", "KILL", "SKIPME", "yes"},
           {"CLIENT", "PAUSE", "2000", "ALL"},
           {"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"},
           {"CLIENT", "KILL", "SKIPME", "yes"},
           {"CLIENT", "PAUSE", "2000", "WRITE"},
           {"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"},
           {"CLIENT", "KILL", "SKIPME", "yes"},
       }) {
    const auto answer = redis.cli(command);
    if (command[1] == "KILL") {
      ++kills;
      EXPECT_GE(std::atoi(answer.c_str()), 1) << "CLIENT KILL killed nothing: " << answer;
    } else {
      EXPECT_EQ(answer, "OK");
    }
    ASSERT_TRUE(await_progress(d))
        << "no recovery after " << command[1] << " " << command[2] << "\n"
        << d.output();
  }

  const auto outcomes = api.stop();
  producer.stop();
  expect_exact_counts(redis, producer.reference(), namespaces);
  EXPECT_TRUE(d.process().running());
  EXPECT_EQ(d.get("/healthz").status, 200u);
  EXPECT_TRUE(wait_until([&] { return readyz_status(d) == 200; })) << d.output();
  EXPECT_GE(scraped(d, "index_optimizer_ingest_reconnects_total"), kills);
  EXPECT_GT(producer.reconnects(), 0u);

  std::size_t ok = 0;
  std::size_t unavailable = 0;
  for (const auto& outcome : outcomes) {
    EXPECT_TRUE(outcome.status == 200 || outcome.status == 503)
        << outcome.request << ": " << outcome.status << " " << outcome.error;
    EXPECT_LE(outcome.elapsed, k_request_timeout + k_slack) << outcome.request;
    ok += outcome.status == 200 ? 1 : 0;
    unavailable += outcome.status == 503 ? 1 : 0;
  }
  EXPECT_GT(ok, 0u);
  EXPECT_GT(unavailable, 0u) << "no API call met a fault";
}

// A few more wrong shapes and types beside malformed_events' one per reason.
std::vector<malformed_event> wrong_types(const std::string& ns) {
  return {
      {decode_reason::invalid_filter,
       {{"namespace", ns}, {"filter", R"({"must": [{"key": 5, "match": {"value": 1}}]})"}}},
      {decode_reason::invalid_filter,
       {{"namespace", ns}, {"filter", R"({"must": [{"key": "a", "range": {"gte": [1]}}]})"}}},
      {decode_reason::invalid_json, {{"namespace", ns}, {"filter", "{\"must\": [\"\xff\"]}"}}},
      {decode_reason::invalid_field, {{"namespace", ns}, {"fields", "[5]"}}},
      {decode_reason::invalid_field,
       {{"namespace", ns}, {"fields", R"([{"field": "a", "type": "colour"}])"}}},
      {decode_reason::invalid_timestamp,
       {{"namespace", ns}, {"ts", "1.5e12"}, {"fields", R"(["a"])"}}},
      {decode_reason::invalid_latency,
       {{"namespace", ns}, {"latency_ms", "fast"}, {"fields", R"(["a"])"}}},
      {decode_reason::invalid_namespace, {{"namespace", std::string(300, 'n')}, {"fields", "[]"}}},
  };
}

// 20 000 malformed entries of every shape, interleaved with 1 000 good ones: every bad entry is
// in the dead-letter stream with its reason (and counted in the metric by reason), and every good
// one is counted.
TEST_F(FaultInjection, FloodOfMalformedEventsIsDeadLetteredAndGoodEventsAreAllCounted) {
  redis_server redis;
  register_namespaces(redis);
  // Smaller limits keep the oversized shapes small: 20 000 entries of 64 KiB would be 1.3 GB.
  const malformed_event_limits limits{4096, 16, 40};
  daemon_process d(daemon_config("daemon-1", k_no_optimizer,
                                 "  max_event_bytes: 4KiB\n  max_filter_depth: 16\n"
                                 "  max_conditions: 40\n"),
                   redis.url());
  auto catalogue = malformed_events("alpha", limits);
  for (auto& extra : wrong_types("bravo"))
    catalogue.push_back(std::move(extra));

  constexpr std::size_t k_bad = 20000;
  constexpr std::size_t k_good = 1000;
  filter_event_generator generator(3, k_namespaces, 12);
  event_reference reference;
  std::vector<redis_command> commands;
  std::vector<std::optional<decode_reason>> expected;  // by command: the reason, or good
  for (std::size_t bad = 0, good = 0; bad < k_bad || good < k_good;) {
    entry_fields fields;
    // One good entry after every 20 bad ones.
    if (good < k_good && (bad >= k_bad || bad >= 20 * (good + 1))) {
      fields = generator.next(reference);
      expected.emplace_back();
      ++good;
    } else {
      const auto& malformed = catalogue[bad % catalogue.size()];
      fields = malformed.fields;
      expected.emplace_back(malformed.reason);
      ++bad;
    }
    redis_command command{"XADD", k_stream, "*"};
    for (auto& [name, value] : fields) {
      command.push_back(std::move(name));
      command.push_back(std::move(value));
    }
    commands.push_back(std::move(command));
  }
  auto connection = connect_or_throw(redis.endpoint());
  std::map<std::string, decode_reason> reason_of;  // entry id -> reason, for the bad ones
  for (std::size_t at = 0; at < commands.size(); at += 1000) {
    const std::size_t end = std::min(commands.size(), at + 1000);
    auto replies = connection.pipeline(
        std::vector<redis_command>(commands.begin() + static_cast<std::ptrdiff_t>(at),
                                   commands.begin() + static_cast<std::ptrdiff_t>(end)));
    ASSERT_TRUE(replies) << replies.error().message;
    for (std::size_t i = at; i < end; ++i) {
      const auto& reply = (*replies)[i - at];
      ASSERT_FALSE(reply.is_error()) << reply.as_string();
      if (expected[i]) reason_of.emplace(reply.as_string(), *expected[i]);
    }
  }
  ASSERT_EQ(reason_of.size(), k_bad);

  // Correctness under a deadline, not speed: every good event counted, every bad one set aside.
  expect_exact_counts(redis, reference, k_namespaces, 90s);
  std::map<decode_reason, std::size_t> expected_by_reason;
  for (const auto& [id, reason] : reason_of)
    ++expected_by_reason[reason];
  std::map<decode_reason, std::size_t> dead_by_reason;
  std::set<std::string> sources;
  std::string cursor = "-";
  while (true) {
    auto page = connection.command({"XRANGE", k_dead_letters, cursor, "+", "COUNT", "1000"});
    ASSERT_TRUE(page && page->is_array());
    const auto& entries = page->as_array();
    if (entries.empty()) break;
    for (const auto& entry : entries) {
      const auto& kv = entry.as_array().at(1).as_array();
      std::map<std::string, std::string> fields;
      for (std::size_t i = 0; i + 1 < kv.size() && i < 10; i += 2)
        fields.emplace(kv[i].as_string(), kv[i + 1].as_string());
      const auto reason = parse_decode_reason(fields["reason"]);
      ASSERT_TRUE(reason) << fields["reason"];
      const auto source = reason_of.find(fields["source_id"]);
      ASSERT_NE(source, reason_of.end())
          << "a dead letter for an entry that was not bad: " << fields["source_id"] << " "
          << fields["reason"];
      EXPECT_EQ(to_string(*reason), to_string(source->second))
          << "entry " << fields["source_id"] << ": " << fields["message"];
      EXPECT_TRUE(sources.insert(fields["source_id"]).second)
          << "dead-lettered twice: " << fields["source_id"];
      ++dead_by_reason[*reason];
    }
    cursor = "(" + entries.back().as_array().at(0).as_string();
  }
  EXPECT_EQ(sources.size(), k_bad);
  EXPECT_EQ(dead_by_reason, expected_by_reason);
  for (const auto& [reason, count] : expected_by_reason) {
    EXPECT_EQ(scraped(d, "index_optimizer_ingest_dead_letters_total",
                      {{"reason", std::string(to_string(reason))}}),
              static_cast<double>(count))
        << to_string(reason);
  }
  EXPECT_EQ(counted(d), static_cast<double>(k_good));
}

}  // namespace
}  // namespace index_optimizer::testing
