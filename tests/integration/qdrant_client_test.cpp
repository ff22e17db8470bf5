// The Qdrant REST client against the fake Qdrant over real sockets: every operation, Qdrant's
// envelopes and errors, the api-key, percent-encoded names, keep-alive reuse and reconnects,
// retries with backoff, and time bounds. TLS is in qdrant_client_tls_test.cpp.
#include "qdrant_client/qdrant_client.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <boost/json/parse.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fake_qdrant.hpp"
#include "support/process.hpp"
#include "support/registry_metrics.hpp"
#include "support/silent_listener.hpp"
#include "support/wait.hpp"

namespace index_optimizer::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using kind = qdrant_error::kind;

constexpr const char* k_api_key = "io-test-key-7d41c9";

std::chrono::milliseconds since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

class QdrantClientTest : public ::testing::Test {
 protected:
  static fake_qdrant::options fake_options() {
    fake_qdrant::options options;
    options.api_key = k_api_key;
    options.collections = {"ns_a"};
    return options;
  }

  QdrantClientTest() : qdrant_(fake_options()) {}

  qdrant_config config() const {
    qdrant_config c;
    c.url = qdrant_.url();
    c.api_key = k_api_key;
    c.connect_timeout = 2s;
    c.request_timeout = 5s;
    c.index_timeout = 10s;
    c.max_retries = 2;
    // Out of the way of the retry tests, which fail many attempts in a row on purpose; the
    // breaker tests below set their own.
    c.circuit_breaker_failures = 1000;
    return c;
  }

  // Short backoff so retry tests take milliseconds; Retry-After still applies in full.
  static qdrant_client_options fast_retries() {
    qdrant_client_options options;
    options.retry.backoff = {10ms, 50ms, 2.0, 0.5};
    return options;
  }

  std::unique_ptr<qdrant_client> make_client(const qdrant_config& c) {
    return std::make_unique<qdrant_client>(c, &registry_, fast_retries());
  }
  qdrant_client& client() {
    if (!client_) client_ = make_client(config());
    return *client_;
  }

  double calls(const std::string& op, const std::string& outcome) {
    return metric_sum(registry_, "index_optimizer_qdrant_requests_total",
                      {{"operation", op}, {"outcome", outcome}});
  }
  double retries(const std::string& op) {
    return metric_sum(registry_, "index_optimizer_qdrant_retries_total", {{"operation", op}});
  }

  fake_qdrant qdrant_;
  prometheus::Registry registry_;
  std::unique_ptr<qdrant_client> client_;
};

// --- operations ----------------------------------------------------------------------------

TEST_F(QdrantClientTest, ServerVersionNeedsAndSendsNoApiKey) {
  const auto version = client().server_version();
  ASSERT_TRUE(version.ok()) << version.error().message;
  EXPECT_EQ(version.value().title, "qdrant - vector search engine");
  EXPECT_EQ(version.value().version, "1.19.0");
  EXPECT_FALSE(version.value().commit.empty());

  const auto requests = qdrant_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/");
  EXPECT_FALSE(requests[0].headers.contains("api-key"));
}

TEST_F(QdrantClientTest, CollectionInfoReportsPointsStatusAndSchemaWithTheApiKey) {
  qdrant_.set_points_count("ns_a", 1234);
  qdrant_.state().create_index("ns_a", "city", "keyword");
  qdrant_.state().create_index("ns_a", "tenant",
                               json::parse(R"({"type": "keyword", "is_tenant": true})"));
  qdrant_.state().set_collection_status("ns_a", "yellow");

  const auto info = client().collection_info("ns_a");
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info.value().points_count, 1234u);
  EXPECT_EQ(info.value().status, "yellow");
  EXPECT_EQ(info.value().payload_schema, qdrant_.payload_schema("ns_a"));
  EXPECT_EQ(info.value().payload_schema.at("tenant").at("params").at("is_tenant"), true);

  const auto requests = qdrant_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/collections/ns_a");
  EXPECT_EQ(requests[0].headers.at("api-key"), k_api_key);
  EXPECT_EQ(requests[0].headers.at("accept"), "application/json");
  EXPECT_EQ(requests[0].headers.at("host"), "127.0.0.1:" + std::to_string(qdrant_.port()));
}

TEST_F(QdrantClientTest, CreateIndexSendsTheSchemaExactlyAndWaits) {
  const json::value as_string = "keyword";
  const json::value as_object =
      json::parse(R"({"type": "integer", "range": true, "lookup": false, "is_principal": true})");
  const auto created = client().create_index("ns_a", "city", as_string);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created.value().status, "completed");
  const auto second = client().create_index("ns_a", "year", as_object);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_GT(second.value().operation_id, created.value().operation_id);

  const auto requests = qdrant_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].target, "/collections/ns_a/index?wait=true&timeout=10");
  EXPECT_EQ(requests[0].headers.at("content-type"), "application/json");
  EXPECT_EQ(json::parse(requests[0].body),
            json::parse(R"({"field_name": "city", "field_schema": "keyword"})"));
  const auto body = json::parse(requests[1].body).as_object();
  EXPECT_EQ(body.at("field_schema"), as_object);
  // Key order too: what Qdrant echoes in payload_schema is compared to what was sent.
  EXPECT_EQ(
      requests[1].body,
      R"({"field_name":"year","field_schema":{"type":"integer","range":true,"lookup":false,"is_principal":true}})");

  const auto schema = qdrant_.payload_schema("ns_a");
  EXPECT_EQ(schema.at("city").at("data_type"), "keyword");
  EXPECT_FALSE(schema.at("city").as_object().contains("params"));
  EXPECT_EQ(schema.at("year").at("params").at("is_principal"), true);
}

TEST_F(QdrantClientTest, CreateIndexReportsWaitTimeoutAsQdrantSaysIt) {
  qdrant_.state().set_index_operation_status("wait_timeout");
  const auto created = client().create_index("ns_a", "city", "keyword");
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created.value().status, "wait_timeout");
}

TEST_F(QdrantClientTest, DeleteIndexRemovesIt) {
  qdrant_.state().create_index("ns_a", "city", "keyword");
  const auto deleted = client().delete_index("ns_a", "city");
  ASSERT_TRUE(deleted.ok()) << deleted.error().message;
  EXPECT_EQ(deleted.value().status, "completed");
  EXPECT_TRUE(qdrant_.index_fields("ns_a").empty());
  EXPECT_EQ(qdrant_.requests().at(0).target, "/collections/ns_a/index/city?wait=true");
}

TEST_F(QdrantClientTest, OddFieldNamesArrivePercentEncodedAndIntact) {
  struct odd_name {
    std::string field;
    std::string encoded;
  };
  const std::vector<odd_name> names = {{"a[].b", "a%5B%5D.b"},
                                       {"\"x/y\"", "%22x%2Fy%22"},
                                       {"\xC3\xBC", "%C3%BC"},
                                       {"\"100% sure\"", "%22100%25%20sure%22"}};
  for (const auto& name : names) {
    ASSERT_TRUE(client().create_index("ns_a", name.field, "keyword").ok()) << name.field;
  }
  for (const auto& name : names) {
    EXPECT_TRUE(qdrant_.payload_schema("ns_a").contains(name.field)) << name.field;
  }
  qdrant_.clear_requests();
  for (const auto& name : names) {
    const auto deleted = client().delete_index("ns_a", name.field);
    ASSERT_TRUE(deleted.ok()) << name.field << ": " << deleted.error().message;
  }
  EXPECT_TRUE(qdrant_.index_fields("ns_a").empty());
  const auto requests = qdrant_.requests();
  ASSERT_EQ(requests.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(requests[i].target, "/collections/ns_a/index/" + names[i].encoded + "?wait=true");
  }
}

// --- Qdrant's errors -----------------------------------------------------------------------

TEST_F(QdrantClientTest, MissingCollectionIs404WithQdrantsTextAndNotRetried) {
  const auto info = client().collection_info("ns_missing");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().what, kind::http_status);
  EXPECT_EQ(info.error().status, 404u);
  EXPECT_EQ(info.error().message, "Not found: Collection `ns_missing` doesn't exist!");
  EXPECT_FALSE(info.error().transient());
  EXPECT_EQ(qdrant_.count_requests(), 1u);
  EXPECT_EQ(calls("collection_info", "client_error"), 1);
  EXPECT_EQ(retries("collection_info"), 0);
}

TEST_F(QdrantClientTest, MissingSchemaIs400AndNotRetried) {
  const auto created = client().create_index("ns_a", "city", nullptr);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().what, kind::http_status);
  EXPECT_EQ(created.error().status, 400u);
  EXPECT_EQ(created.error().message,
            "Bad request: Can't auto-detect field type, please specify `field_schema` in the "
            "request");
  EXPECT_EQ(qdrant_.count_requests(), 1u);
}

TEST_F(QdrantClientTest, WrongApiKeyIs401PlainTextNotRetriedAndNeverEchoed) {
  auto c = config();
  c.api_key = "wrong-key-b8a2e0";
  auto wrong = make_client(c);
  const auto info = wrong->collection_info("ns_a");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().what, kind::http_status);
  EXPECT_EQ(info.error().status, 401u);
  EXPECT_EQ(info.error().message, "Invalid API key or JWT");
  EXPECT_EQ(info.error().message.find("wrong-key-b8a2e0"), std::string::npos);
  EXPECT_EQ(qdrant_.count_requests(), 1u);
  EXPECT_EQ(qdrant_.requests().at(0).headers.at("api-key"), "wrong-key-b8a2e0");
}

TEST_F(QdrantClientTest, NoApiKeyConfiguredSendsNoHeader) {
  auto c = config();
  c.api_key.clear();
  const auto info = make_client(c)->collection_info("ns_a");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().status, 401u);
  EXPECT_EQ(info.error().message, "Must provide an API key or an Authorization bearer token");
  EXPECT_FALSE(qdrant_.requests().at(0).headers.contains("api-key"));
}

TEST_F(QdrantClientTest, SuccessWithoutEnvelopeIsAnInvalidResponseNotRetried) {
  fake_qdrant_fault fault;
  fault.status = 200;
  fault.body = R"({"collections": []})";
  qdrant_.add_fault(fault);
  const auto info = client().collection_info("ns_a");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().what, kind::invalid_response);
  EXPECT_EQ(qdrant_.count_requests(), 1u);
  EXPECT_EQ(calls("collection_info", "invalid_response"), 1);
}

// --- keep-alive ----------------------------------------------------------------------------

TEST_F(QdrantClientTest, SequentialCallsReuseOneConnection) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client().collection_info("ns_a").ok());
    ASSERT_TRUE(client().server_version().ok());
  }
  EXPECT_EQ(qdrant_.connections_accepted(), 1u);
  std::set<std::uint64_t> connections;
  for (const auto& request : qdrant_.requests())
    connections.insert(request.connection);
  EXPECT_EQ(connections.size(), 1u);
  EXPECT_EQ(client().idle_connections(), 1u);
  EXPECT_EQ(metric_sum(registry_, "index_optimizer_qdrant_connections_opened_total", {}), 1);
}

TEST_F(QdrantClientTest, ParallelCallsShareThePoolSafely) {
  constexpr int threads = 8;
  constexpr int calls_each = 20;
  auto options = fast_retries();
  options.max_idle_connections = threads;  // none closed, so none reopened
  qdrant_client shared(config(), &registry_, options);
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < calls_each; ++i) {
        const auto field = "f" + std::to_string(t) + "_" + std::to_string(i % 3);
        if (!shared.create_index("ns_a", field, "keyword").ok()) ++failures;
        if (!shared.collection_info("ns_a").ok()) ++failures;
      }
    });
  }
  for (auto& w : workers)
    w.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(qdrant_.count_requests(), std::size_t{threads * calls_each * 2});
  EXPECT_EQ(qdrant_.index_fields("ns_a").size(), std::size_t{threads * 3});
  // At most one connection per concurrent caller, each reused for many requests.
  EXPECT_LE(qdrant_.connections_accepted(), std::uint64_t{threads});
  EXPECT_EQ(shared.idle_connections(), qdrant_.connections_accepted());
}

TEST_F(QdrantClientTest, KeepsAtMostMaxIdleConnections) {
  constexpr int threads = 6;
  auto options = fast_retries();
  options.max_idle_connections = 2;
  qdrant_client shared(config(), &registry_, options);
  qdrant_.set_response_delay(200ms);  // the calls overlap, so each opens its own connection
  std::vector<std::thread> workers;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      if (!shared.collection_info("ns_a").ok()) ++failures;
    });
  }
  for (auto& w : workers)
    w.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GE(qdrant_.connections_accepted(), 2u);
  EXPECT_EQ(shared.idle_connections(), 2u);
  // The connections beyond the cap were closed when handed back.
  EXPECT_TRUE(wait_until([&] { return qdrant_.open_connections() == 2; }, 5s));
}

TEST_F(QdrantClientTest, ConnectionsIdleLongerThanMaxIdleTimeAreNotReused) {
  auto options = fast_retries();
  options.max_idle_time = 0ms;  // every idle connection is already too old
  qdrant_client client(config(), &registry_, options);
  ASSERT_TRUE(client.collection_info("ns_a").ok());
  ASSERT_TRUE(client.collection_info("ns_a").ok());
  EXPECT_EQ(qdrant_.connections_accepted(), 2u);
  EXPECT_TRUE(wait_until([&] { return qdrant_.open_connections() == 1; }, 5s));
}

TEST_F(QdrantClientTest, ReconnectsAfterTheServerClosedIdleConnections) {
  ASSERT_TRUE(client().collection_info("ns_a").ok());
  qdrant_.close_connections();
  ASSERT_TRUE(wait_until([&] { return qdrant_.open_connections() == 0; }, 5s));

  const auto info = client().collection_info("ns_a");
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(qdrant_.connections_accepted(), 2u);
  EXPECT_EQ(qdrant_.count_requests(), 2u);  // the closed connection was not even tried
  EXPECT_EQ(retries("collection_info"), 0);
}

TEST_F(QdrantClientTest, ResendsOnceWhenAReusedConnectionDiesBeforeAnswering) {
  auto c = config();
  c.max_retries = 0;  // the resend is not a retry
  client_ = make_client(c);
  ASSERT_TRUE(client_->collection_info("ns_a").ok());
  // The server reads the next request and hangs up without a byte of answer, as when its idle
  // close crosses our request on the wire.
  qdrant_.drop_next(1, "GET", "/collections/ns_a");

  const auto info = client_->collection_info("ns_a");
  ASSERT_TRUE(info.ok()) << info.error().message;
  const auto requests = qdrant_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].response_status, 0u);
  EXPECT_EQ(requests[1].connection, requests[0].connection);
  EXPECT_NE(requests[2].connection, requests[1].connection);
  EXPECT_EQ(retries("collection_info"), 0);
}

TEST_F(QdrantClientTest, AFreshConnectionThatDiesIsAnOrdinaryRetry) {
  auto c = config();
  c.max_retries = 0;
  client_ = make_client(c);
  qdrant_.drop_next(1);
  const auto info = client_->collection_info("ns_a");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().what, kind::unreachable);
  EXPECT_EQ(qdrant_.count_requests(), 1u);
}

// --- retries -------------------------------------------------------------------------------

TEST_F(QdrantClientTest, TransientStatusesAreRetriedUntilSuccess) {
  for (const unsigned status : {500u, 502u, 503u, 408u}) {
    qdrant_.clear_requests();
    qdrant_.fail_next(2, status, "PUT", "/collections/ns_a/index");
    const auto created = client().create_index("ns_a", "city", "keyword");
    ASSERT_TRUE(created.ok()) << status << ": " << created.error().message;
    EXPECT_EQ(qdrant_.count_requests("PUT"), 3u) << status;
  }
  EXPECT_EQ(retries("create_index"), 8);
  EXPECT_EQ(calls("create_index", "ok"), 4);
}

TEST_F(QdrantClientTest, GivesUpAfterMaxRetriesWithTheLastError) {
  qdrant_.fail_next(10, 503);
  const auto info = client().collection_info("ns_a");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().what, kind::http_status);
  EXPECT_EQ(info.error().status, 503u);
  EXPECT_EQ(info.error().message, "Service unavailable: fault injected by fake-qdrant");
  EXPECT_EQ(qdrant_.count_requests(), 3u);  // 1 + max_retries
  EXPECT_EQ(retries("collection_info"), 2);
  EXPECT_EQ(calls("collection_info", "server_error"), 1);
}

TEST_F(QdrantClientTest, DroppedConnectionsAreRetriedThenReportedUnreachable) {
  qdrant_.drop_next(10);
  const auto deleted = client().delete_index("ns_a", "city");
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.error().what, kind::unreachable);
  EXPECT_EQ(qdrant_.count_requests(), 3u);
  EXPECT_EQ(qdrant_.connections_accepted(), 3u);

  qdrant_.clear_faults();
  qdrant_.clear_requests();
  qdrant_.drop_next(2);
  ASSERT_TRUE(client().delete_index("ns_a", "city").ok());
  EXPECT_EQ(qdrant_.count_requests(), 3u);
}

TEST_F(QdrantClientTest, TooManyRequestsWaitsForRetryAfter) {
  qdrant_.fail_next(1, 429);  // the fake sends Retry-After: 1
  const auto start = std::chrono::steady_clock::now();
  const auto info = client().collection_info("ns_a");
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_GE(since(start), 1000ms);
  const auto requests = qdrant_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].response_status, 429u);
  EXPECT_GE(requests[1].received_at - requests[0].received_at, 990ms);
}

TEST_F(QdrantClientTest, RetryAfterIsCapped) {
  fake_qdrant_fault fault;
  fault.status = 429;
  fault.headers = {{"Retry-After", "3600"}};
  qdrant_.add_fault(fault);
  auto options = fast_retries();
  options.retry.max_retry_after = 100ms;
  qdrant_client capped(config(), nullptr, options);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(capped.collection_info("ns_a").ok());
  EXPECT_LT(since(start), 2s);
  EXPECT_EQ(qdrant_.count_requests(), 2u);
}

TEST_F(QdrantClientTest, ZeroMaxRetriesMeansOneAttempt) {
  auto c = config();
  c.max_retries = 0;
  qdrant_.fail_next(1, 500);
  const auto info = make_client(c)->collection_info("ns_a");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().status, 500u);
  EXPECT_EQ(qdrant_.count_requests(), 1u);
}

// --- time bounds ---------------------------------------------------------------------------

TEST_F(QdrantClientTest, SlowAnswersTimeOutWithinTheRequestTimeoutPerAttempt) {
  auto c = config();
  c.request_timeout = 300ms;
  c.max_retries = 1;
  qdrant_.set_response_delay(5s);
  const auto start = std::chrono::steady_clock::now();
  const auto info = make_client(c)->collection_info("ns_a");
  const auto elapsed = since(start);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().what, kind::timeout);
  EXPECT_NE(info.error().message.find("300 ms"), std::string::npos) << info.error().message;
  EXPECT_GE(elapsed, 600ms);
  EXPECT_LT(elapsed, 2s);
  EXPECT_EQ(qdrant_.count_requests(), 2u);
  EXPECT_EQ(calls("collection_info", "timeout"), 1);
}

// collection_info_once: for details a caller can show as unknown. One attempt, however
// transient the failure, and never longer than the timeout it is given.
TEST_F(QdrantClientTest, CollectionInfoOnceMakesOneShortAttempt) {
  EXPECT_EQ(client().collection_info_once("ns_a", 1s).value().status, "green");
  qdrant_.clear_requests();
  qdrant_.fail_next(1, 503);
  const auto failed = client().collection_info_once("ns_a", 1s);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().status, 503u);
  EXPECT_EQ(qdrant_.count_requests(), 1u);
  EXPECT_EQ(retries("collection_info"), 0);

  qdrant_.clear_requests();
  qdrant_.set_response_delay(5s);
  const auto start = std::chrono::steady_clock::now();
  const auto slow = client().collection_info_once("ns_a", 300ms);  // request_timeout is 5 s
  const auto elapsed = since(start);
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().what, kind::timeout);
  EXPECT_GE(elapsed, 300ms);
  EXPECT_LT(elapsed, 4s);
  EXPECT_EQ(qdrant_.count_requests(), 1u);
}

TEST_F(QdrantClientTest, CreateIndexTimeoutIsFinalAfterIndexTimeout) {
  auto c = config();
  c.request_timeout = 200ms;
  c.index_timeout = 1s;
  qdrant_.set_response_delay(5s);
  const auto start = std::chrono::steady_clock::now();
  const auto created = make_client(c)->create_index("ns_a", "city", "keyword");
  const auto elapsed = since(start);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().what, kind::timeout);
  EXPECT_GE(elapsed, 1200ms);  // index_timeout + request_timeout
  EXPECT_LT(elapsed, 3s);
  // Not sent again: a second wait would be as long, and Qdrant keeps building anyway.
  ASSERT_EQ(qdrant_.count_requests(), 1u);
  EXPECT_EQ(qdrant_.requests()[0].target, "/collections/ns_a/index?wait=true&timeout=1");
  EXPECT_EQ(qdrant_.index_fields("ns_a"), std::vector<std::string>{"city"});
}

TEST_F(QdrantClientTest, HungServerTimesOut) {
  silent_listener hung;
  auto c = config();
  c.url = "http://127.0.0.1:" + std::to_string(hung.port());
  c.request_timeout = 200ms;
  c.max_retries = 1;
  const auto start = std::chrono::steady_clock::now();
  const auto version = make_client(c)->server_version();
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().what, kind::timeout);
  EXPECT_LT(since(start), 2s);
}

TEST_F(QdrantClientTest, NothingListeningIsUnreachableAfterRetries) {
  const auto port = pick_free_port();
  auto c = config();
  c.url = "http://127.0.0.1:" + std::to_string(port);
  const auto start = std::chrono::steady_clock::now();
  const auto info = make_client(c)->collection_info("ns_a");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().what, kind::unreachable);
  EXPECT_NE(info.error().message.find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << info.error().message;
  EXPECT_LT(since(start), 2s);
  EXPECT_EQ(retries("collection_info"), 2);
  // No attempt reached Qdrant: the call says so, and is counted as not sent.
  EXPECT_FALSE(info.error().request_sent);
  EXPECT_EQ(describe(info.error()).rfind("not sent: cannot connect to Qdrant", 0), 0u)
      << describe(info.error());
  EXPECT_EQ(calls("collection_info", "not_sent"), 1);
  EXPECT_EQ(calls("collection_info", "unreachable"), 0);
}

TEST_F(QdrantClientTest, UnresolvableHostFailsWithinTheConnectTimeout) {
  auto c = config();
  c.url = "http://qdrant.invalid:6333";  // RFC 2606: never resolves
  c.connect_timeout = 500ms;
  c.max_retries = 0;
  const auto start = std::chrono::steady_clock::now();
  const auto version = make_client(c)->server_version();
  ASSERT_FALSE(version.ok());
  // NXDOMAIN where DNS answers; a timeout where the resolver is unreachable (sandboxes).
  EXPECT_TRUE(version.error().what == kind::unreachable || version.error().what == kind::timeout)
      << version.error().message;
  EXPECT_NE(version.error().message.find("qdrant.invalid"), std::string::npos)
      << version.error().message;
  EXPECT_LT(since(start), 1500ms);
}

// --- metrics -------------------------------------------------------------------------------

TEST_F(QdrantClientTest, MetricsCountCallsByOperationAndOutcomeOnly) {
  ASSERT_TRUE(client().server_version().ok());
  ASSERT_TRUE(client().collection_info("ns_a").ok());
  ASSERT_FALSE(client().collection_info("ns_secret_name").ok());
  ASSERT_TRUE(client().create_index("ns_a", "secret_field", "keyword").ok());
  ASSERT_TRUE(client().delete_index("ns_a", "secret_field").ok());

  EXPECT_EQ(calls("server_version", "ok"), 1);
  EXPECT_EQ(calls("collection_info", "ok"), 1);
  EXPECT_EQ(calls("collection_info", "client_error"), 1);
  EXPECT_EQ(calls("create_index", "ok"), 1);
  EXPECT_EQ(calls("delete_index", "ok"), 1);
  EXPECT_EQ(metric_sum(registry_, "index_optimizer_qdrant_request_duration_seconds",
                       {{"operation", "collection_info"}}),
            2);
  const std::set<std::string> allowed_labels = {"operation", "outcome", "le", "reason", "state"};
  for (const auto& family : registry_.Collect()) {
    for (const auto& metric : family.metric) {
      for (const auto& label : metric.label) {
        EXPECT_TRUE(allowed_labels.contains(label.name)) << family.name << " " << label.name;
        EXPECT_EQ(label.value.find("secret"), std::string::npos) << family.name;
      }
    }
  }
}

// --- circuit breaker and bulkhead ------------------------------------------------------------

// Attempts that time out open the breaker; the call that tripped it stops retrying and reports
// its own failure, the next one is refused without a request, and after the cool-down one probe
// that Qdrant answers closes it again.
TEST_F(QdrantClientTest, TimeoutsOpenTheCircuitBreakerAndAnAnsweredProbeClosesIt) {
  auto c = config();
  c.request_timeout = 300ms;
  c.max_retries = 5;
  c.circuit_breaker_failures = 2;
  c.circuit_breaker_cooldown = 1s;
  client_ = make_client(c);
  qdrant_.set_response_delay(60s);
  const auto first = client().collection_info("ns_a");
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().what, kind::timeout);
  EXPECT_TRUE(first.error().request_sent);
  EXPECT_EQ(qdrant_.count_requests(), 2u);  // not the 6 attempts max_retries allows
  EXPECT_EQ(client().circuit(), qdrant::circuit_state::open);

  const auto refused = client().collection_info("ns_a");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().what, kind::circuit_open);
  EXPECT_FALSE(refused.error().request_sent);
  ASSERT_TRUE(refused.error().retry_after);
  EXPECT_LE(*refused.error().retry_after, 1s);
  EXPECT_EQ(qdrant_.count_requests(), 2u);
  EXPECT_FALSE(client().reserve().ok());
  EXPECT_EQ(
      metric_sum(registry_, "index_optimizer_qdrant_rejected_total", {{"reason", "circuit_open"}}),
      2.0);
  EXPECT_EQ(metric_sum(registry_, "index_optimizer_qdrant_circuit_state", {{"state", "open"}}),
            1.0);

  qdrant_.clear_faults();
  ASSERT_TRUE(wait_until([&] { return client().collection_info("ns_a").ok(); }, 10s, 100ms));
  EXPECT_EQ(client().circuit(), qdrant::circuit_state::closed);
  EXPECT_EQ(metric_sum(registry_, "index_optimizer_qdrant_circuit_state", {{"state", "closed"}}),
            1.0);
}

// Qdrant got the first attempt (and went away without answering); the retry cannot connect.
// The call may have been applied, so it is not reported as unsent.
TEST_F(QdrantClientTest, ACallWhoseEarlierAttemptReachedQdrantCountsAsSentThoughARetryIsRefused) {
  auto c = config();
  c.max_retries = 1;
  client_ = make_client(c);
  qdrant_.set_response_delay(60s);
  auto call = std::async(std::launch::async, [&] { return client().delete_index("ns_a", "city"); });
  ASSERT_TRUE(wait_until([&] { return qdrant_.count_requests("DELETE") == 1u; }, 10s));
  qdrant_.stop();  // the pending answer's connection closes, the port refuses from now on
  const auto deleted = call.get();
  ASSERT_FALSE(deleted.ok());
  EXPECT_TRUE(deleted.error().request_sent) << describe(deleted.error());
  EXPECT_EQ(deleted.error().message.rfind("cannot connect", 0), 0u) << deleted.error().message;
  EXPECT_EQ(calls("delete_index", "unreachable"), 1);
  EXPECT_EQ(calls("delete_index", "not_sent"), 0);
}

// An error status is an answer: Qdrant is there, so 5xx never trips the breaker (retries and the
// callers deal with it).
TEST_F(QdrantClientTest, ErrorAnswersDoNotTripTheCircuitBreaker) {
  auto c = config();
  c.max_retries = 0;
  c.circuit_breaker_failures = 2;
  client_ = make_client(c);
  qdrant_.fail_next(5, 503);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(client().collection_info("ns_a").error().what, kind::http_status);
  EXPECT_EQ(client().circuit(), qdrant::circuit_state::closed);
  EXPECT_TRUE(client().collection_info("ns_a").ok());
}

TEST_F(QdrantClientTest, RefusedConnectionsTripTheCircuitBreakerToo) {
  const auto port = pick_free_port();
  auto c = config();
  c.url = "http://127.0.0.1:" + std::to_string(port);
  c.max_retries = 5;
  c.circuit_breaker_failures = 3;
  client_ = make_client(c);
  const auto info = client().collection_info("ns_a");
  ASSERT_FALSE(info.ok());
  EXPECT_FALSE(info.error().request_sent);
  EXPECT_EQ(retries("collection_info"), 2);  // three attempts, then the breaker stopped it
  EXPECT_EQ(client().collection_info("ns_a").error().what, kind::circuit_open);
}

// The bulkhead: a thread that reserved a place makes its calls in it; when every place is held
// by other threads a call is refused at once, unsent.
TEST_F(QdrantClientTest, CallsBeyondMaxConcurrentRequestsAreRefusedAtOnce) {
  auto c = config();
  c.concurrency_limit = 1;
  client_ = make_client(c);
  std::atomic<bool> reserved{false};
  std::atomic<bool> done{false};
  std::thread holder([&] {
    auto permit = client().reserve();
    ASSERT_TRUE(permit.ok());
    EXPECT_TRUE(client().collection_info("ns_a").ok());  // inside its own place
    reserved.store(true);
    while (!done.load())
      std::this_thread::sleep_for(5ms);
  });
  ASSERT_TRUE(wait_until([&] { return reserved.load(); }, 10s));
  EXPECT_EQ(client().concurrent_callers(), 1u);
  const auto before = qdrant_.count_requests();
  const auto refused = client().collection_info("ns_a");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().what, kind::concurrency_limit);
  EXPECT_FALSE(refused.error().request_sent);
  EXPECT_FALSE(client().reserve().ok());
  EXPECT_EQ(qdrant_.count_requests(), before);
  EXPECT_EQ(metric_sum(registry_, "index_optimizer_qdrant_rejected_total",
                       {{"reason", "concurrency_limit"}}),
            2.0);
  done.store(true);
  holder.join();
  EXPECT_EQ(client().concurrent_callers(), 0u);
  EXPECT_TRUE(client().collection_info("ns_a").ok());
}

}  // namespace
}  // namespace index_optimizer::testing
