// A failing Qdrant under the real daemon must not take the admin API with it (issue 12, section
// 4): the bulkhead keeps Qdrant calls to qdrant.max_concurrent_requests threads, so reads and
// Redis-only routes keep answering while every place hangs and further Qdrant-bound changes are
// answered 503 at once; the circuit breaker refuses calls without sending them after consecutive
// timeouts and closes again after a successful probe. A Qdrant that refuses connections is
// reported as not sent, not as an unknown outcome.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "daemon_namespaces.hpp"
#include "fakes/fake_qdrant.hpp"
#include "support/daemon_process.hpp"
#include "support/redis_server.hpp"
#include "support/registry_metrics.hpp"
#include "support/wait.hpp"

namespace index_optimizer::testing {
namespace {

using namespace std::chrono_literals;

const auto& k_admin = k_dev_admin_headers;

fake_qdrant::options fake_options() {
  fake_qdrant::options o;
  o.collections = {"products", "hang_a", "hang_b"};
  return o;
}

std::string config_for(const fake_qdrant& qdrant, const std::string& qdrant_extra) {
  return std::string(k_dev_admin_auth_yaml) +
         "optimizer:\n  enabled: false\n"
         "http:\n  request_timeout: 60s\n  worker_threads: 4\n"
         "qdrant:\n  url: " +
         qdrant.url() + "\n  max_retries: 0\n" + qdrant_extra;
}

class QdrantIsolationTest : public ::testing::Test {
 protected:
  explicit QdrantIsolationTest(const std::string& qdrant_extra = "")
      : qdrant_(fake_options()), daemon_(config_for(qdrant_, qdrant_extra), redis_.url()) {
    create("shop", "products");
  }

  void create(const std::string& name, const std::string& collection) {
    create_namespace_on(daemon_, name, collection);
  }

  http_result add_index(const std::string& name, const std::string& field,
                        std::chrono::milliseconds timeout = 30s) {
    return http_request(
        "127.0.0.1", daemon_.port(), "PATCH", "/v1/namespaces/" + name,
        R"({"payload_indexes": [{"field_name": ")" + field + R"(", "type": "keyword"}]})", k_admin,
        timeout);
  }

  double metric(const std::string& name, const std::map<std::string, std::string>& labels = {}) {
    return exposition_metric_sum(daemon_.get("/metrics").body, name, labels);
  }

  // Runs `call` and checks it answered within `limit` (generous: a loaded 2-core host).
  template <class Call>
  http_result quickly(Call call, std::chrono::milliseconds limit = 3s) {
    const auto started = std::chrono::steady_clock::now();
    auto r = call();
    EXPECT_LT(std::chrono::steady_clock::now() - started, limit) << r.body;
    return r;
  }

  redis_server redis_;
  fake_qdrant qdrant_;
  daemon_process daemon_;
};

// Two places; the hung PATCHes hold them for index_timeout + request_timeout (25 s), far longer
// than the checks below take.
class QdrantBulkheadTest : public QdrantIsolationTest {
 protected:
  QdrantBulkheadTest()
      : QdrantIsolationTest(
            "  max_concurrent_requests: 2\n  request_timeout: 5s\n  index_timeout: 20s\n"
            "  circuit_breaker_failures: 100\n") {
    create("hang-a", "hang_a");
    create("hang-b", "hang_b");
  }
};

TEST_F(QdrantBulkheadTest, WhileEveryQdrantPlaceHangsReadsAnswerAndQdrantChangesGet503AtOnce) {
  const auto puts_before = qdrant_.count_requests("PUT");  // the protected indexes
  qdrant_.set_response_delay(60s);
  auto a = std::async(std::launch::async, [&] { return add_index("hang-a", "color", 60s); });
  auto b = std::async(std::launch::async, [&] { return add_index("hang-b", "color", 60s); });
  // Both hold a place and have sent their index PUT, which the fake never answers.
  ASSERT_TRUE(wait_until(
      [&] {
        return metric("index_optimizer_qdrant_concurrent_callers") == 2.0 &&
               qdrant_.count_requests("PUT") == puts_before + 2;
      },
      20s))
      << daemon_.output();
  EXPECT_EQ(daemon_.get("/readyz").status, 200u);

  // Reads: document_count is a detail, so it is null instead of waiting for a place.
  auto r = quickly([&] { return daemon_.get("/v1/namespaces/shop", k_admin); });
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_TRUE(parse_json(r.body).at("document_count").is_null());
  r = quickly([&] { return daemon_.get("/v1/namespaces", k_admin); });
  EXPECT_EQ(r.status, 200u) << r.body;
  auto usage_headers = k_admin;
  usage_headers["X-Namespace"] = "shop";
  r = quickly([&] { return daemon_.get("/v1/analytics/indexes/usage", usage_headers); });
  EXPECT_EQ(r.status, 200u) << r.body;
  r = quickly([&] { return daemon_.get("/v1/analytics/indexes/suggestions", usage_headers); });
  EXPECT_EQ(r.status, 200u) << r.body;
  r = quickly([&] { return daemon_.get("/v1/optimizer/runs", k_admin); });
  EXPECT_EQ(r.status, 200u) << r.body;
  // A change that needs no Qdrant call.
  r = quickly([&] {
    return daemon_.request("PATCH", "/v1/namespaces/shop", R"({"description": "still here"})",
                           k_admin);
  });
  EXPECT_EQ(r.status, 200u) << r.body;

  // A change that needs Qdrant: refused at once, nothing sent, nothing stored.
  const double rejected_before =
      metric("index_optimizer_qdrant_rejected_total", {{"reason", "concurrency_limit"}});
  r = quickly([&] { return add_index("shop", "size"); });
  ASSERT_EQ(r.status, 503u) << r.body;
  EXPECT_EQ(r.header("retry-after"), "1");
  EXPECT_NE(r.body.find("qdrant.max_concurrent_requests"), std::string::npos) << r.body;
  EXPECT_EQ(qdrant_.count_requests("PUT"), puts_before + 2);
  // Refused once, before queueing for the namespace lock.
  EXPECT_EQ(metric("index_optimizer_qdrant_rejected_total", {{"reason", "concurrency_limit"}}) -
                rejected_before,
            1.0);
  EXPECT_EQ(metric("index_optimizer_qdrant_max_concurrent_callers"), 2.0);

  // The hung changes end within their own bound and free their places.
  EXPECT_EQ(a.get().status, 502u);
  EXPECT_EQ(b.get().status, 502u);
  qdrant_.clear_faults();
  EXPECT_EQ(metric("index_optimizer_qdrant_concurrent_callers"), 0.0);
  r = add_index("shop", "size");
  EXPECT_EQ(r.status, 200u) << r.body;
}

// Two timed-out attempts open the breaker for 2 s.
class QdrantCircuitBreakerTest : public QdrantIsolationTest {
 protected:
  QdrantCircuitBreakerTest()
      : QdrantIsolationTest(
            "  connect_timeout: 500ms\n  request_timeout: 500ms\n  index_timeout: 1s\n"
            "  circuit_breaker_failures: 2\n  circuit_breaker_cooldown: 2s\n") {}
};

TEST_F(QdrantCircuitBreakerTest, OpensAfterConsecutiveTimeoutsRefusesAtOnceAndClosesAfterAProbe) {
  qdrant_.set_response_delay(60s);
  // Namespace reads ask Qdrant for document_count (one attempt each) and time out.
  ASSERT_TRUE(wait_until(
      [&] {
        EXPECT_EQ(daemon_.get("/v1/namespaces/shop", k_admin).status, 200u);
        return metric("index_optimizer_qdrant_circuit_state", {{"state", "open"}}) == 1.0;
      },
      30s, 100ms))
      << daemon_.output();
  EXPECT_NE(daemon_.output().find("qdrant circuit breaker opened"), std::string::npos);
  const auto requests_before = qdrant_.count_requests();

  auto r = quickly([&] { return add_index("shop", "color"); }, 1500ms);
  ASSERT_EQ(r.status, 503u) << r.body;
  const auto retry_after = std::stoi(r.header("retry-after"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 2);
  EXPECT_NE(r.body.find("circuit breaker"), std::string::npos) << r.body;
  // Reads are not held up either: document_count is null without a call.
  r = quickly([&] { return daemon_.get("/v1/namespaces/shop", k_admin); }, 1500ms);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(qdrant_.count_requests(), requests_before);  // nothing was sent
  EXPECT_GE(metric("index_optimizer_qdrant_rejected_total", {{"reason", "circuit_open"}}), 1.0);

  // Qdrant answers again: after the cool-down the next call is the probe, and it closes.
  qdrant_.clear_faults();
  ASSERT_TRUE(wait_until([&] { return add_index("shop", "color").status == 200u; }, 30s, 250ms))
      << daemon_.output();
  EXPECT_EQ(metric("index_optimizer_qdrant_circuit_state", {{"state", "closed"}}), 1.0);
  EXPECT_NE(daemon_.output().find("qdrant circuit breaker closed"), std::string::npos);
  const auto indexed = qdrant_.index_fields("products");
  EXPECT_NE(std::find(indexed.begin(), indexed.end(), "color"), indexed.end());
}

// Qdrant is down (its port refuses connections): nothing reached it, and every report says so
// instead of calling the outcome unknown.
TEST_F(QdrantIsolationTest, ARefusedConnectionIsReportedAsNotSent) {
  qdrant_.stop();
  const auto r = add_index("shop", "color");
  ASSERT_EQ(r.status, 502u) << r.body;
  const auto details = parse_json(r.body).at("error").at("details");
  ASSERT_EQ(details.at("not_sent").as_array().size(), 1u) << r.body;
  EXPECT_EQ(details.at("not_sent").at(0).at("field_name"), "color");
  EXPECT_TRUE(details.at("unknown").as_array().empty()) << r.body;
  EXPECT_NE(details.at("not_sent").at(0).at("error").as_string().find("not sent: "),
            std::string::npos);
  EXPECT_EQ(metric("index_optimizer_qdrant_requests_total",
                   {{"operation", "create_index"}, {"outcome", "not_sent"}}),
            1.0);
  EXPECT_NE(daemon_.output().find("outcome=not_sent"), std::string::npos) << daemon_.output();
  // Nothing claimed: the namespace lists no index on the field.
  const auto shop = daemon_.get("/v1/namespaces/shop", k_admin);
  EXPECT_EQ(shop.body.find("\"color\""), std::string::npos) << shop.body;
}

}  // namespace
}  // namespace index_optimizer::testing
