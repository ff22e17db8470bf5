// The index-analytics routes over real sockets, real Redis and real ingestion: window counts, once
// read, answer further requests for analytics_api_dependencies::window_stats_ttl, while the
// namespace (is_indexed) is read fresh for every request.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <set>
#include <string>
#include <vector>

#include "analytics_api/analytics_routes.hpp"
#include "optimizer_fixture.hpp"

namespace index_optimizer::testing {
namespace {

using namespace std::chrono_literals;

const std::string k_brand_filter = R"({"must": [{"key": "brand", "match": {"value": "acme"}}]})";

// The analytics routes alone on a free port, with their own window-count TTL.
class analytics_server {
 public:
  analytics_server(optimizer_fixture& f, std::chrono::milliseconds ttl) {
    http::router router;
    analytics_api_dependencies deps;
    deps.registry = &f.registry();
    deps.redis = &f.pool();
    deps.cfg = &f.cfg();
    deps.window_stats_ttl = ttl;
    add_analytics_routes(router, deps);
    http::server_options options;
    options.port = 0;
    options.auth_required = false;
    server_ = std::make_unique<http::server>(
        options, std::move(router),
        std::make_shared<api_key_authenticator>(std::vector<auth_key>{}),
        std::make_shared<http::http_metrics>(metrics_));
    server_->start();
  }
  ~analytics_server() { server_->shutdown(5s); }

  boost::json::value get(std::string_view route, const std::string& ns) {
    const auto r = http_request("127.0.0.1", server_->local_port(), "GET", route, {},
                                {{"X-Namespace", ns}}, 30s);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.status == 200u ? boost::json::parse(r.body) : boost::json::value();
  }

  // brand's (query_count, is_indexed) in the usage response.
  std::pair<std::int64_t, bool> brand(const std::string& ns) {
    const auto usage = get("/v1/analytics/indexes/usage", ns);
    if (!usage.is_object()) return {-1, false};
    for (const auto& field : usage.at("fields").as_array()) {
      if (field.at("field_name") == "brand") {
        return {field.at("query_count").to_number<std::int64_t>(),
                field.at("is_indexed").as_bool()};
      }
    }
    return {0, false};
  }

 private:
  prometheus::Registry metrics_;
  std::unique_ptr<http::server> server_;
};

TEST(AnalyticsApi, WindowCountsAreReusedForTheirTtlWhileTheNamespaceIsReadFresh) {
  optimizer_fixture::options o;
  o.with_qdrant = false;
  optimizer_fixture f(o);
  const auto ns = f.create_namespace("ns_analytics012", "shop", false);
  f.send_filters("shop", std::vector<std::string>(3, k_brand_filter));
  ASSERT_TRUE(f.await_counts(ns.namespace_id, {{"brand", 3}}));

  analytics_server reusing(f, std::chrono::hours(1));
  analytics_server fresh(f, 0ms);
  EXPECT_EQ(reusing.brand("shop"), std::make_pair(std::int64_t{3}, false));
  EXPECT_EQ(fresh.brand("shop"), std::make_pair(std::int64_t{3}, false));
  // Another query over the same remembered counts is answered for itself.
  const auto above = reusing.get("/v1/analytics/indexes/usage?min_count=4", "shop");
  ASSERT_TRUE(above.is_object());
  EXPECT_EQ(above.at("total_fields"), 0) << above;

  f.send_filters(ns.namespace_id, std::vector<std::string>(2, k_brand_filter));
  ASSERT_TRUE(f.await_counts(ns.namespace_id, {{"brand", 5}}));
  auto indexed = f.registry().update(ns.namespace_id, [](const namespace_model& current) {
    auto next = current;
    next.payload_indexes.push_back({"brand", index_type::keyword, std::nullopt, false, {}});
    return std::optional<namespace_model>(next);
  });
  ASSERT_TRUE(indexed) << indexed.error().message;

  // The id and the name share the namespace's counts; the index shows at once either way.
  EXPECT_EQ(reusing.brand(ns.namespace_id), std::make_pair(std::int64_t{3}, true));
  EXPECT_EQ(reusing.brand("shop"), std::make_pair(std::int64_t{3}, true));
  EXPECT_EQ(fresh.brand("shop"), std::make_pair(std::int64_t{5}, true));
  // Suggestions read the same remembered decision window.
  const auto suggestions = reusing.get("/v1/analytics/indexes/suggestions?min_count=1", "shop");
  ASSERT_TRUE(suggestions.is_object());
  ASSERT_EQ(suggestions.at("suggestions").as_array().size(), 1u) << suggestions;
  EXPECT_EQ(suggestions.at("suggestions").at(0).at("query_count_24h"), 3);
  EXPECT_EQ(suggestions.at("suggestions").at(0).at("is_indexed"), true);
}

// A namespace past its field cap over real ingestion and HTTP: usage pages through every counted
// field exactly once, each page bounded by `limit`, and reports the rest as field_overflow.
TEST(AnalyticsApi, UsagePagesThroughEveryFieldAndReportsTheFieldCapsOverflow) {
  constexpr int k_cap = 30;
  optimizer_fixture::options o;
  o.with_qdrant = false;
  o.tweak = [](config& c) { c.ingest.max_fields_per_namespace = k_cap; };
  optimizer_fixture f(o);
  const auto ns = f.create_namespace("ns_analytics013", "wide", false);
  std::vector<std::string> filters;
  for (int i = 0; i < 50; ++i) {
    filters.push_back(R"({"must": [{"key": "field_)" + std::to_string(i) +
                      R"(", "match": {"value": 1}}]})");
  }
  f.send_filters("wide", filters);
  ASSERT_TRUE(wait_until([&] {
    auto connection = f.pool().acquire(1s);
    if (!connection) return false;
    auto window =
        read_namespace_window(**connection, f.cfg(), ns.namespace_id, window_kind::decision);
    return window && window->overflow && window->fields.size() + window->overflow->count == 50;
  }));

  analytics_server server(f, 0ms);
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    const auto page = server.get(
        "/v1/analytics/indexes/usage?limit=7" + (cursor.empty() ? "" : "&cursor=" + cursor),
        "wide");
    ASSERT_TRUE(page.is_object());
    ASSERT_LE(++pages, 5);
    EXPECT_EQ(page.at("total_fields"), k_cap);
    EXPECT_LE(page.at("fields").as_array().size(), 7u);
    for (const auto& field : page.at("fields").as_array())
      EXPECT_TRUE(seen.insert(std::string(field.at("field_name").as_string())).second);
    EXPECT_EQ(page.at("field_overflow").at("query_count"), 50 - k_cap);
    EXPECT_EQ(page.at("field_overflow").at("max_fields_per_namespace"), k_cap);
    cursor =
        page.at("next_cursor").is_null() ? "" : std::string(page.at("next_cursor").as_string());
  } while (!cursor.empty());
  EXPECT_EQ(pages, 5);
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(k_cap));
}

}  // namespace
}  // namespace index_optimizer::testing
