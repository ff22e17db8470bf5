// The optimizer through the real binary: events XADDed, a run triggered over the API, exactly the
// expected PUT bodies at the fake Qdrant, the namespace showing the new index, the history
// holding the evidence; and two daemons sharing one schedule running it once per interval.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <set>

#include "fakes/fake_qdrant.hpp"
#include "support/daemon_process.hpp"
#include "support/redis_server.hpp"
#include "support/wait.hpp"
#include "text/rfc3339_time.hpp"

namespace index_optimizer::testing {
namespace {

const std::map<std::string, std::string> k_admin = {{"Authorization", "Bearer dev-admin-key"}};

std::string config_for(const fake_qdrant& qdrant, const std::string& optimizer) {
  return "auth:\n  keys:\n    - name: admin\n"
         "      sha256: df76ff796f70d2c9cb055ea6280553caa27eda26b70e01082c160de75a05a4a9\n"
         "      permissions: [admin]\n"
         "optimizer:\n" +
         optimizer + "qdrant:\n  url: " + qdrant.url() + "\n  max_retries: 0\n";
}

void add_events(redis_server& redis, const std::string& ns, const std::string& filter, int n) {
  for (int i = 0; i < n; ++i) {
    redis.cli({"XADD", "io:{events}", "*", "namespace", ns, "filter", filter});
  }
}

std::string create_namespace(daemon_process& d, const std::string& name,
                             const std::string& collection) {
  const auto r = d.request("POST", "/v1/namespaces",
                           R"({"namespace_name": ")" + name +
                               R"(", "feature_extractors": [], "auto_create_indexes": true,
                               "infrastructure": {"qdrant_collection": ")" +
                               collection + R"("}})",
                           k_admin);
  if (r.status != 200) throw std::runtime_error("create failed: " + r.body);
  return std::string(parse_json(r.body).at("namespace_id").as_string());
}

std::uint64_t window_count(daemon_process& d, const std::string& ns, const std::string& field) {
  auto headers = k_admin;
  headers["X-Namespace"] = ns;
  const auto r = d.get("/v1/analytics/indexes/usage", headers);
  if (r.status != 200) return 0;
  const auto usage = parse_json(r.body);  // outlives the loop over its fields
  for (const auto& f : usage.at("fields").as_array()) {
    if (f.at("field_name").as_string() == field)
      return f.at("query_count").to_number<std::uint64_t>();
  }
  return 0;
}

TEST(DaemonOptimizer, TriggeredRunIndexesFieldsAboveTheThresholdWithEvidence) {
  redis_server redis;
  fake_qdrant qdrant;
  qdrant.state().create_collection("shop_products");
  daemon_process d(config_for(qdrant, "  interval: 6h\n"), redis.url());
  create_namespace(d, "shop", "shop_products");
  const auto protected_puts = qdrant.count_requests("PUT", "/collections/shop_products/index");

  add_events(redis, "shop", R"({"must": [{"key": "color", "match": {"value": "red"}}]})", 101);
  add_events(redis, "shop", R"({"must": [{"key": "size", "range": {"gte": 3, "lt": 9}}]})", 100);
  ASSERT_TRUE(wait_until([&] {
    return window_count(d, "shop", "color") == 101 && window_count(d, "shop", "size") == 100;
  })) << d.output();

  auto r = d.request("POST", "/v1/optimizer/runs", "{}", k_admin);
  ASSERT_EQ(r.status, 202u) << r.body;
  const std::string run_id(parse_json(r.body).at("run_id").as_string());
  boost::json::value run;
  ASSERT_TRUE(wait_until([&] {
    const auto g = d.get("/v1/optimizer/runs/" + run_id, k_admin);
    if (g.status != 200) return false;
    run = parse_json(g.body);
    return run.at("status") != "running";
  })) << d.output();
  EXPECT_EQ(run.at("status"), "succeeded") << boost::json::serialize(run);

  // Exactly one new PUT, for color (101 > 100); size (exactly 100) is not indexed.
  const auto puts = qdrant.requests();
  std::vector<std::string> bodies;
  for (const auto& req : puts) {
    if (req.method == "PUT" && req.target.starts_with("/collections/shop_products/index")) {
      bodies.push_back(req.body);
    }
  }
  ASSERT_EQ(bodies.size(), protected_puts + 1);
  EXPECT_EQ(parse_json(bodies.back()),
            boost::json::parse(R"({"field_name": "color", "field_schema": "keyword"})"));

  const auto ns = parse_json(d.get("/v1/namespaces/shop", k_admin).body);
  bool has_color = false;
  bool has_size = false;
  for (const auto& index : ns.at("payload_indexes").as_array()) {
    has_color = has_color || index.at("field_name") == "color";
    has_size = has_size || index.at("field_name") == "size";
  }
  EXPECT_TRUE(has_color);
  EXPECT_FALSE(has_size);

  // The history carries the evidence for both decisions.
  const auto& decisions = run.at("namespaces").at(0).at("decisions").as_array();  // `run` lives
  std::map<std::string, boost::json::object> by_field;
  for (const auto& decision : decisions) {
    by_field[std::string(decision.at("field_name").as_string())] = decision.as_object();
  }
  EXPECT_EQ(by_field["color"].at("result"), "created");
  EXPECT_EQ(by_field["color"].at("evidence").at("count"), 101);
  EXPECT_EQ(by_field["color"].at("evidence").at("sample_filter"),
            boost::json::parse(R"({"must": [{"key": "color", "match": {"value": "red"}}]})"));
  EXPECT_EQ(by_field["size"].at("reason"), "below_threshold");
  EXPECT_EQ(by_field["size"].at("evidence").at("count"), 100);
}

TEST(DaemonOptimizer, TwoDaemonsRunOnceAndFailoverAfterSigkill) {
  redis_server redis;
  fake_qdrant qdrant;
  qdrant.state().create_collection("col1");
  const std::string optimizer = "  interval: 2s\n  lease: 2s\n";
  auto a = std::make_unique<daemon_process>(
      config_for(qdrant, optimizer), redis.url(),
      std::map<std::string, std::string>{{"INDEX_OPTIMIZER_INGEST_CONSUMER_NAME", "a"}});
  daemon_process b(config_for(qdrant, optimizer), redis.url(),
                   {{"INDEX_OPTIMIZER_INGEST_CONSUMER_NAME", "b"}});
  create_namespace(*a, "ns1", "col1");

  auto runs = [&] {
    const auto r = b.get("/v1/optimizer/runs?limit=100", k_admin);
    if (r.status != 200) return boost::json::array{};
    return parse_json(r.body).at("results").as_array();
  };
  // Several intervals pass; each scheduled run happens exactly once across the two daemons.
  ASSERT_TRUE(wait_until([&] { return runs().size() >= 3; }, std::chrono::seconds(30)))
      << a->output() << b.output();
  std::set<std::string> ids;
  for (const auto& run : runs())
    ids.insert(std::string(run.at("run_id").as_string()));
  EXPECT_EQ(ids.size(), runs().size());
  // Scheduled runs are one interval (2 s) apart: no interval ran twice, whichever daemon led.
  std::vector<std::chrono::system_clock::time_point> starts;
  for (const auto& run : runs()) {
    if (run.at("trigger") != "schedule") continue;
    const auto at = parse_rfc3339(std::string(run.at("started_at").as_string()));
    ASSERT_TRUE(at.has_value());
    starts.push_back(*at);
  }
  std::sort(starts.begin(), starts.end());
  ASSERT_GE(starts.size(), 3u);
  for (std::size_t i = 1; i < starts.size(); ++i) {
    EXPECT_GE(starts[i] - starts[i - 1], std::chrono::milliseconds(1900));
  }

  // Kill one daemon hard; the survivor keeps the schedule going.
  a->process().send_signal(SIGKILL);
  a->process().wait_for_exit(std::chrono::seconds(10));
  const auto before = runs().size();
  EXPECT_TRUE(wait_until([&] { return runs().size() >= before + 2; }, std::chrono::seconds(30)))
      << b.output();
}

}  // namespace
}  // namespace index_optimizer::testing
