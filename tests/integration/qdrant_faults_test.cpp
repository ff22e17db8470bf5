// Qdrant failing under the real daemon: the fake Qdrant answers 500 and 429, resets connections,
// answers slowly or not at all while PATCH /v1/namespaces/{id} and optimizer runs go through
// the binary. After each fault the namespace equals the collection's payload_schema (compared
// field by field), the requests the fake saw stay within the documented retry policy, /healthz
// keeps answering, every call ends within its documented bound, and the Qdrant metrics say
// what happened.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "fakes/fake_qdrant.hpp"
#include "support/daemon_process.hpp"
#include "support/qdrant_agreement.hpp"
#include "support/redis_server.hpp"
#include "support/registry_metrics.hpp"
#include "support/wait.hpp"

namespace index_optimizer::testing {
namespace {

using namespace std::chrono_literals;

const std::map<std::string, std::string> k_admin = {{"Authorization", "Bearer dev-admin-key"}};
constexpr const char* k_collection = "products";
const std::string k_index_path = "/collections/products/index";
const std::string k_info_path = "/collections/products";
// The daemon's qdrant.max_retries below: every call is sent at most this many times more.
constexpr std::size_t k_max_retries = 2;
constexpr std::size_t k_attempts = k_max_retries + 1;

fake_qdrant::options fake_options() {
  fake_qdrant::options o;
  o.collections = {k_collection};
  return o;
}

// Short Qdrant timeouts so that a hanging Qdrant costs seconds, not minutes. The circuit breaker
// is kept out of the way: these tests pin the retry policy, attempt by attempt (the breaker is
// tested in qdrant_isolation_test.cpp).
std::string daemon_config(const fake_qdrant& qdrant, const std::string& http_request_timeout) {
  return "auth:\n  keys:\n    - name: admin\n"
         "      sha256: df76ff796f70d2c9cb055ea6280553caa27eda26b70e01082c160de75a05a4a9\n"
         "      permissions: [admin]\n"
         "optimizer:\n  enabled: false\n  threshold: 2\n"
         "http:\n  request_timeout: " +
         http_request_timeout +
         "\n"
         "qdrant:\n  url: " +
         qdrant.url() +
         "\n  connect_timeout: 1s\n  request_timeout: 1s\n  index_timeout: 1s\n"
         "  circuit_breaker_failures: 1000\n"
         "  max_retries: " +
         std::to_string(k_max_retries) + "\n";
}

class QdrantFaultsTest : public ::testing::Test {
 protected:
  explicit QdrantFaultsTest(const std::string& http_request_timeout = "30s")
      : qdrant_(fake_options()),
        daemon_(daemon_config(qdrant_, http_request_timeout), redis_.url()) {
    qdrant_.set_points_count(k_collection, 500);
    const auto r = daemon_.request("POST", "/v1/namespaces",
                                   R"({"namespace_name": "shop", "feature_extractors": [],
                                       "auto_create_indexes": true,
                                       "infrastructure": {"qdrant_collection": "products"}})",
                                   k_admin);
    EXPECT_EQ(r.status, 200u) << r.body;
    qdrant_.clear_requests();
  }

  ~QdrantFaultsTest() override { EXPECT_EQ(daemon_.get("/healthz").status, 200u); }

  // PATCH payload_indexes to keyword indexes on `fields`.
  http_result patch_indexes(const std::vector<std::string>& fields) {
    boost::json::array indexes;
    for (const auto& f : fields)
      indexes.push_back({{"field_name", f}, {"type", "keyword"}});
    return daemon_.request(
        "PATCH", "/v1/namespaces/shop",
        boost::json::serialize(boost::json::object{{"payload_indexes", indexes}}), k_admin);
  }

  // Re-sends a PATCH until it is stored: a careful client's answer to 502 and 503.
  http_result patch_until_stored(const std::vector<std::string>& fields) {
    http_result r;
    wait_until(
        [&] {
          r = patch_indexes(fields);
          return r.status == 200u;
        },
        30s, 200ms);
    return r;
  }

  boost::json::value stored() {
    const auto r = daemon_.get("/v1/namespaces/shop", k_admin);
    EXPECT_EQ(r.status, 200u) << r.body;
    return parse_json(r.body);
  }

  ::testing::AssertionResult matches_qdrant() {
    return namespace_matches_qdrant(stored(), qdrant_.payload_schema(k_collection));
  }

  double metric(const std::string& name, const std::map<std::string, std::string>& labels) {
    return exposition_metric_sum(daemon_.get("/metrics").body, name, labels);
  }
  double qdrant_calls(const std::string& operation, const std::string& outcome) {
    return metric("index_optimizer_qdrant_requests_total",
                  {{"operation", operation}, {"outcome", outcome}});
  }
  double qdrant_retries(const std::string& operation) {
    return metric("index_optimizer_qdrant_retries_total", {{"operation", operation}});
  }

  std::size_t index_puts() { return qdrant_.count_requests("PUT", k_index_path); }

  // Runs `call` on another thread; while it runs, /healthz must keep answering within 5 s.
  template <class Call>
  auto while_checking_health(Call call) {
    auto running = std::async(std::launch::async, call);
    int checks = 0;
    while (running.wait_for(200ms) != std::future_status::ready) {
      EXPECT_EQ(http_request("127.0.0.1", daemon_.port(), "GET", "/healthz", {}, {}, 5s).status,
                200u);
      ++checks;
    }
    EXPECT_GT(checks, 0) << "the call did not last long enough to check /healthz";
    return running.get();
  }

  redis_server redis_;
  fake_qdrant qdrant_;
  daemon_process daemon_;
};

std::string error_type(const http_result& r) {
  return std::string(parse_json(r.body).at("error").at("type").as_string());
}

// The fields a 502's details list under `outcome` (applied, failed, unknown, not_attempted).
std::vector<std::string> reported(const http_result& r, const char* outcome) {
  std::vector<std::string> out;
  const auto body = parse_json(r.body);
  for (const auto& entry : body.at("error").at("details").at(outcome).as_array())
    out.emplace_back(entry.at("field_name").as_string());
  return out;
}

TEST_F(QdrantFaultsTest, Transient500sAreRetriedAndTheChangeLands) {
  const double retries = qdrant_retries("create_index");
  qdrant_.fail_next(k_max_retries, 500, "PUT", k_index_path);
  const auto r = patch_indexes({"color"});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(index_puts(), k_attempts);
  EXPECT_EQ(qdrant_retries("create_index") - retries, static_cast<double>(k_max_retries));
  EXPECT_TRUE(matches_qdrant());
}

TEST_F(QdrantFaultsTest, Persistent500sAre502AfterMaxRetriesAndNothingIsClaimed) {
  const double failed = qdrant_calls("create_index", "server_error");
  qdrant_.fail_next(100, 500, "PUT", k_index_path);
  const auto r = patch_indexes({"color"});
  ASSERT_EQ(r.status, 502u) << r.body;
  EXPECT_EQ(error_type(r), "BadGatewayError");
  EXPECT_EQ(reported(r, "failed"), std::vector<std::string>{"color"});
  EXPECT_EQ(index_puts(), k_attempts);  // the first attempt and max_retries more, no further
  EXPECT_EQ(qdrant_calls("create_index", "server_error") - failed, 1.0);
  EXPECT_TRUE(matches_qdrant());

  qdrant_.clear_faults();
  ASSERT_EQ(patch_indexes({"color"}).status, 200u);
  EXPECT_TRUE(matches_qdrant());
}

TEST_F(QdrantFaultsTest, TooManyRequestsWaitsForRetryAfterThenLands) {
  fake_qdrant_fault fault;
  fault.status = 429;
  fault.method = "PUT";
  fault.path_prefix = k_index_path;
  fault.headers = {{"Retry-After", "2"}};
  qdrant_.add_fault(fault);
  const auto r = patch_indexes({"color"});
  ASSERT_EQ(r.status, 200u) << r.body;
  std::vector<std::chrono::system_clock::time_point> puts;
  for (const auto& request : qdrant_.requests()) {
    if (request.method == "PUT") puts.push_back(request.received_at);
  }
  ASSERT_EQ(puts.size(), 2u);
  // Retry-After (2 s) is longer than the backoff (at most 200 ms): it is the wait.
  EXPECT_GE(puts[1] - puts[0], 1900ms);
  EXPECT_TRUE(matches_qdrant());

  // A 429 that never ends is retried as often as a 500, then answered 502.
  qdrant_.fail_next(100, 429, "PUT", k_index_path);
  qdrant_.clear_requests();
  const auto refused = patch_indexes({"color", "size"});
  ASSERT_EQ(refused.status, 502u) << refused.body;
  EXPECT_EQ(index_puts(), k_attempts);
  EXPECT_TRUE(matches_qdrant());
}

TEST_F(QdrantFaultsTest, ConnectionResetsAreRetriedBoundedAndNeverClaimed) {
  const double unreachable = qdrant_calls("create_index", "unreachable");
  qdrant_.drop_next(100, "PUT", k_index_path);
  const auto r = patch_indexes({"color"});
  ASSERT_EQ(r.status, 502u) << r.body;
  // Each attempt may be sent once more at once when a pooled connection turns out closed
  // (docs/qdrant.md, Connections): at most twice per attempt.
  EXPECT_GE(index_puts(), k_attempts);
  EXPECT_LE(index_puts(), 2 * k_attempts);
  EXPECT_EQ(qdrant_calls("create_index", "unreachable") - unreachable, 1.0);
  EXPECT_TRUE(matches_qdrant());

  // One reset is absorbed by a resend or a retry.
  qdrant_.clear_faults();
  qdrant_.drop_next(1, "PUT", k_index_path);
  ASSERT_EQ(patch_indexes({"color"}).status, 200u);
  EXPECT_TRUE(matches_qdrant());
}

TEST_F(QdrantFaultsTest, SlowAnswersWithinTheTimeoutsAreNotRetried) {
  const double retries = qdrant_retries("create_index") + qdrant_retries("collection_info");
  qdrant_.set_response_delay(400ms);
  const auto r = patch_indexes({"color", "size"});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(index_puts(), 2u);
  EXPECT_EQ(qdrant_retries("create_index") + qdrant_retries("collection_info"), retries);
  qdrant_.clear_faults();
  EXPECT_TRUE(matches_qdrant());
}

// Qdrant takes the PUT and never answers (nor anything after it). The PATCH waits for the build
// (index_timeout + request_timeout, not retried), reads the collection back (request_timeout,
// retried max_retries times) and answers 502 with the index's outcome unknown: about 5.6 s here,
// never longer than that bound. /healthz answers throughout. The namespace claims nothing
// Qdrant lacks; once Qdrant answers again, re-sending the PATCH makes the two equal.
TEST_F(QdrantFaultsTest, HangingQdrantIsA502WithinTheClientBoundAndHealthzKeepsAnswering) {
  const double timeouts = qdrant_calls("create_index", "timeout");
  const double info_timeouts = qdrant_calls("collection_info", "timeout");
  qdrant_.set_response_delay(60s);
  const auto started = std::chrono::steady_clock::now();
  const auto r = while_checking_health([this] { return patch_indexes({"color"}); });
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(r.status, 502u) << r.body;
  EXPECT_EQ(reported(r, "unknown"), std::vector<std::string>{"color"});
  // 2 s for the build, 3 × 1 s reading back, under 1 s of backoff; plenty of slack for load.
  EXPECT_LT(took, 20s);
  EXPECT_EQ(index_puts(), 1u);  // a timed-out index build is never sent again
  EXPECT_EQ(qdrant_.count_requests("GET", k_info_path), k_attempts);
  qdrant_.clear_faults();
  EXPECT_EQ(qdrant_calls("create_index", "timeout") - timeouts, 1.0);
  EXPECT_EQ(qdrant_calls("collection_info", "timeout") - info_timeouts, 1.0);

  // The fake applied the PUT before hanging: Qdrant has the index, the namespace does not say so.
  EXPECT_TRUE(namespace_claims_only_qdrant_indexes(stored(), qdrant_.payload_schema(k_collection)));
  ASSERT_EQ(patch_until_stored({"color"}).status, 200u);
  EXPECT_TRUE(matches_qdrant());
}

class QdrantFaultsShortRequestTimeoutTest : public QdrantFaultsTest {
 protected:
  QdrantFaultsShortRequestTimeoutTest() : QdrantFaultsTest("2s") {}
};

// The same hang against http.request_timeout 2 s: the PATCH has begun changing things (its index
// PUT went out) when the deadline passes, so the server does not answer 503 then (a 503 must mean
// nothing changed): the client gets the PATCH's real outcome once its Qdrant calls end, 502 with
// the index unknown, and nothing stays in flight.
TEST_F(QdrantFaultsShortRequestTimeoutTest,
       HangingQdrantPatchIsAnsweredWithItsOutcomePastTheDeadline) {
  qdrant_.set_response_delay(60s);
  const auto started = std::chrono::steady_clock::now();
  const auto r = while_checking_health([this] { return patch_indexes({"color"}); });
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(r.status, 502u) << r.body;
  EXPECT_EQ(reported(r, "unknown"), std::vector<std::string>{"color"});
  EXPECT_GE(took, 1900ms);
  EXPECT_LT(took, 20s);
  EXPECT_EQ(qdrant_.count_requests("GET", k_info_path), k_attempts);
  EXPECT_EQ(metric("index_optimizer_http_request_timeouts_total", {{"stage", "awaited"}}), 1.0);
  qdrant_.clear_faults();
  ASSERT_EQ(patch_until_stored({"color"}).status, 200u);
  EXPECT_TRUE(matches_qdrant());
  EXPECT_TRUE(wait_until(
      [&] { return metric("index_optimizer_http_requests_in_flight", {}) == 1.0; }, 30s));
}

// document_count (Qdrant's points_count) is a detail of a namespace read: while Qdrant hangs,
// a GET or a list waits for it one short attempt and shows null, instead of retrying into
// http.request_timeout and holding a worker thread for minutes.
TEST_F(QdrantFaultsShortRequestTimeoutTest, NamespaceReadsDoNotWaitOutAHangingQdrant) {
  EXPECT_EQ(stored().at("document_count"), 500);
  qdrant_.set_response_delay(60s);
  // The count just read is reused for up to a second (document_count_ttl); after that every read
  // asks Qdrant, and a failed answer is not reused.
  ASSERT_TRUE(wait_until(
      [&] {
        const auto r = daemon_.get("/v1/namespaces/shop", k_admin);
        return r.status == 200u && parse_json(r.body).at("document_count") == nullptr;
      },
      30s));
  qdrant_.clear_requests();
  for (int i = 0; i < 2; ++i) {
    const auto r = daemon_.get("/v1/namespaces/shop", k_admin);
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(parse_json(r.body).at("document_count"), nullptr);
  }
  const auto list = daemon_.get("/v1/namespaces", k_admin);
  ASSERT_EQ(list.status, 200u) << list.body;
  EXPECT_EQ(parse_json(list.body).at("results").at(0).at("document_count"), nullptr);
  EXPECT_EQ(qdrant_.count_requests("GET", k_info_path), 3u);  // one attempt per read
  qdrant_.clear_faults();
  EXPECT_EQ(stored().at("document_count"), 500);
}

class QdrantFaultsOptimizerTest : public QdrantFaultsTest {
 protected:
  QdrantFaultsOptimizerTest() {
    // Three queries on `color`, above the threshold of 2.
    for (int i = 0; i < 3; ++i) {
      redis_.cli({"XADD", "io:{events}", "*", "namespace", "shop", "filter",
                  R"({"must": [{"key": "color", "match": {"value": "red"}}]})"});
    }
    auto headers = k_admin;
    headers["X-Namespace"] = "shop";
    EXPECT_TRUE(wait_until(
        [&] {
          const auto r = daemon_.get("/v1/analytics/indexes/usage", headers);
          return r.status == 200u && r.body.find("\"color\"") != std::string::npos &&
                 parse_json(r.body).at("fields").at(0).at("query_count") == 3;
        },
        30s))
        << daemon_.output();
  }

  // Triggers a run and returns its record once it has finished.
  boost::json::value run() {
    const auto started = daemon_.request("POST", "/v1/optimizer/runs", "{}", k_admin);
    EXPECT_EQ(started.status, 202u) << started.body;
    const std::string id(parse_json(started.body).at("run_id").as_string());
    boost::json::value record;
    EXPECT_TRUE(wait_until(
        [&] {
          const auto r = daemon_.get("/v1/optimizer/runs/" + id, k_admin);
          if (r.status != 200u) return false;
          record = parse_json(r.body);
          return record.at("status") != "running";
        },
        60s, 100ms))
        << daemon_.output();
    return record;
  }

  static const boost::json::value& color_decision(const boost::json::value& record) {
    for (const auto& d : record.at("namespaces").at(0).at("decisions").as_array()) {
      if (d.at("field_name") == "color") return d;
    }
    throw std::runtime_error("no decision on color: " + boost::json::serialize(record));
  }
};

TEST_F(QdrantFaultsOptimizerTest, RunUnder500sResetsAnd429sStaysInStepWithQdrant) {
  qdrant_.fail_next(100, 500, "PUT", k_index_path);
  auto record = run();
  auto decision = color_decision(record);
  EXPECT_EQ(record.at("status"), "partial") << boost::json::serialize(record);
  EXPECT_EQ(decision.at("result"), "failed");
  EXPECT_EQ(decision.at("qdrant").at("error").at("status"), 500);
  EXPECT_EQ(index_puts(), k_attempts);
  EXPECT_TRUE(matches_qdrant());

  qdrant_.clear_faults();
  qdrant_.clear_requests();
  qdrant_.drop_next(100, "PUT", k_index_path);
  record = run();
  EXPECT_EQ(color_decision(record).at("result"), "failed") << boost::json::serialize(record);
  EXPECT_GE(index_puts(), k_attempts);
  EXPECT_LE(index_puts(), 2 * k_attempts);
  EXPECT_TRUE(matches_qdrant());

  qdrant_.clear_faults();
  qdrant_.clear_requests();
  qdrant_.fail_next(1, 429, "PUT", k_index_path);  // with Retry-After: 1
  record = run();
  EXPECT_EQ(record.at("status"), "succeeded") << boost::json::serialize(record);
  EXPECT_EQ(color_decision(record).at("result"), "created");
  EXPECT_EQ(index_puts(), 2u);
  EXPECT_TRUE(matches_qdrant());
  EXPECT_GE(qdrant_retries("create_index"), 3.0);  // 2 after the 500s, 1 after the 429
}

// Qdrant stops answering during a run: every call the run makes times out within its bound,
// the run ends with the namespace failed (not stuck as running), /healthz answers throughout,
// and the next run once Qdrant is back creates the index.
TEST_F(QdrantFaultsOptimizerTest, RunAgainstAHangingQdrantEndsAndTheNextOneCatchesUp) {
  qdrant_.set_response_delay(60s);
  auto record = while_checking_health([this] { return run(); });
  EXPECT_NE(record.at("status"), "succeeded") << boost::json::serialize(record);
  EXPECT_EQ(record.at("namespaces").at(0).at("status"), "failed") << boost::json::serialize(record);
  EXPECT_EQ(index_puts(), 0u);
  qdrant_.clear_faults();
  EXPECT_TRUE(matches_qdrant());

  record = run();
  EXPECT_EQ(record.at("status"), "succeeded") << boost::json::serialize(record);
  EXPECT_EQ(color_decision(record).at("result"), "created");
  EXPECT_TRUE(matches_qdrant());
}

}  // namespace
}  // namespace index_optimizer::testing
