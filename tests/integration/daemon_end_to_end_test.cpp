// The real binary with real Redis and the fake Qdrant: a namespace created over the API, filter
// events XADDed by a "query service", counts visible in the analytics API, indexes applied to
// Qdrant through PATCH, and the namespace's counts removed with it.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "fakes/fake_qdrant.hpp"
#include "support/daemon_process.hpp"
#include "support/redis_server.hpp"
#include "support/wait.hpp"

namespace index_optimizer::testing {
namespace {

const std::map<std::string, std::string> k_admin = {{"Authorization", "Bearer dev-admin-key"}};

std::string config_for(const fake_qdrant& qdrant) {
  return "auth:\n  keys:\n    - name: admin\n"
         "      sha256: df76ff796f70d2c9cb055ea6280553caa27eda26b70e01082c160de75a05a4a9\n"
         "      permissions: [admin]\n"
         "optimizer:\n  enabled: false\n"
         "qdrant:\n  url: " +
         qdrant.url() + "\n  max_retries: 0\n";
}

std::map<std::string, std::string> with_namespace(const std::string& ns) {
  auto headers = k_admin;
  headers["X-Namespace"] = ns;
  return headers;
}

TEST(DaemonEndToEnd, EventsBecomeUsageAndPatchCreatesQdrantIndexes) {
  redis_server redis;
  fake_qdrant qdrant;
  qdrant.state().create_collection("shop_products");
  daemon_process d(config_for(qdrant), redis.url());

  auto r = d.request("POST", "/v1/namespaces",
                     R"({"namespace_name": "shop", "feature_extractors": [],
                         "auto_create_indexes": true,
                         "infrastructure": {"qdrant_collection": "shop_products"}})",
                     k_admin);
  ASSERT_EQ(r.status, 200u) << r.body << d.output();
  const std::string id(parse_json(r.body).at("namespace_id").as_string());

  // 3 events in Qdrant's dialect on brand (+ price for one), 2 in Mixpeek's, 1 bad.
  for (int i = 0; i < 3; ++i) {
    redis.cli({"XADD", "io:{events}", "*", "namespace", "shop", "filter",
               R"({"must": [{"key": "brand", "match": {"value": "acme"}}]})", "latency_ms", "12"});
  }
  redis.cli({"XADD", "io:{events}", "*", "namespace", id, "filter",
             R"({"AND": [{"field": "brand", "operator": "eq", "value": "x"},
                         {"field": "price", "operator": "lt", "value": 9.5}]})"});
  redis.cli(
      {"XADD", "io:{events}", "*", "namespace", "shop", "filter", R"({"price": {"gte": 3}})"});
  redis.cli({"XADD", "io:{events}", "*", "namespace", "nope", "filter", "{}"});

  boost::json::value usage;
  ASSERT_TRUE(wait_until([&] {
    const auto u = d.get("/v1/analytics/indexes/usage", with_namespace("shop"));
    if (u.status != 200) return false;
    usage = parse_json(u.body);
    // Both counts: the consumer may commit the brand events before the last price event arrives.
    return usage.at("total_fields") == 2 && usage.at("fields").at(0).at("query_count") == 4 &&
           usage.at("fields").at(1).at("query_count") == 2;
  })) << boost::json::serialize(usage)
      << d.output();
  const auto& brand = usage.at("fields").at(0);
  EXPECT_EQ(brand.at("field_name"), "brand");
  EXPECT_EQ(brand.at("is_indexed"), false);
  EXPECT_DOUBLE_EQ(brand.at("avg_latency_ms").to_number<double>(), 12.0);
  EXPECT_EQ(usage.at("fields").at(1).at("field_name"), "price");
  EXPECT_EQ(usage.at("fields").at(1).at("query_count"), 2);
  // The unknown namespace went to the dead-letter stream with its reason.
  EXPECT_TRUE(wait_until([&] { return redis.cli({"XLEN", "io:{events}:dead-letter"}) == "1"; }));

  const auto suggestions =
      d.get("/v1/analytics/indexes/suggestions?min_count=3", with_namespace(id));
  ASSERT_EQ(suggestions.status, 200u) << suggestions.body;
  const auto s = parse_json(suggestions.body);
  ASSERT_EQ(s.at("suggestions").as_array().size(), 1u);
  EXPECT_EQ(s.at("suggestions").at(0).at("suggested_type"), "keyword");
  EXPECT_EQ(s.at("auto_create_enabled"), true);

  r = d.request("PATCH", "/v1/namespaces/shop",
                R"({"payload_indexes": [{"field_name": "brand", "type": "keyword"}]})", k_admin);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_TRUE(qdrant.state().payload_schema("shop_products").contains("brand"));
  const auto after = parse_json(d.get("/v1/analytics/indexes/usage", with_namespace("shop")).body);
  EXPECT_EQ(after.at("fields").at(0).at("is_indexed"), true);

  ASSERT_EQ(d.request("DELETE", "/v1/namespaces/shop", {}, k_admin).status, 200u);
  EXPECT_EQ(d.get("/v1/analytics/indexes/usage", with_namespace("shop")).status, 404u);
  EXPECT_EQ(redis.cli({"KEYS", "io:*" + id + "*"}), "");
}

TEST(DaemonEndToEnd, AnalyticsErrors) {
  redis_server redis;
  fake_qdrant qdrant;
  daemon_process d(config_for(qdrant), redis.url());
  auto r = d.get("/v1/analytics/indexes/usage", k_admin);
  EXPECT_EQ(r.status, 422u);
  EXPECT_EQ(
      parse_json(r.body).at("error").at("details").at("validation_errors").at(0).at("location"),
      boost::json::array({"header", "X-Namespace"}));
  r = d.get("/v1/analytics/indexes/usage?period=30d", with_namespace("x"));
  EXPECT_EQ(r.status, 422u);
  r = d.get("/v1/analytics/indexes/usage", with_namespace("ghost"));
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(parse_json(r.body).at("error").at("type"), "NotFoundError");
  r = d.get("/v1/analytics/indexes/usage", {{"X-Namespace", "ghost"}});
  EXPECT_EQ(r.status, 401u);
}

}  // namespace
}  // namespace index_optimizer::testing
