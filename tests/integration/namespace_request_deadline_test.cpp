// A namespace change answered 503 because it waited for a worker past http.request_timeout must
// never be applied later (issue 12, section 2). The real daemon with one worker thread, a real
// redis-server, and the fake Qdrant hanging so that a PATCH holds that worker: a second PATCH
// queues, is answered 503 at its deadline, and is then dropped unrun. With two daemons a newer
// write made through the other one survives.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <chrono>
#include <future>
#include <string>

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
  o.collections = {"products", "blocker"};
  return o;
}

// One worker and a 2 s request timeout; Qdrant timeouts short enough that a PATCH against the
// hanging fake holds the worker for a few seconds (index 1 s + request 1 s, then two read-backs
// of 1 s), not minutes.
std::string config_for(const fake_qdrant& qdrant, int worker_threads) {
  return std::string(k_dev_admin_auth_yaml) +
         "optimizer:\n  enabled: false\n"
         "http:\n  request_timeout: 2s\n  worker_threads: " +
         std::to_string(worker_threads) +
         "\n"
         "qdrant:\n  url: " +
         qdrant.url() +
         "\n  connect_timeout: 1s\n  request_timeout: 1s\n  index_timeout: 1s\n"
         "  max_retries: 1\n";
}

class NamespaceRequestDeadlineTest : public ::testing::Test {
 protected:
  NamespaceRequestDeadlineTest()
      : qdrant_(fake_options()), a_(config_for(qdrant_, 1), redis_.url()) {
    create_namespace_on(a_, "shop", "products");
    create_namespace_on(a_, "blocking", "blocker");
  }

  // A PATCH that adds an index on the hanging fake: it takes the worker for a few seconds.
  std::future<http_result> occupy_the_worker() {
    // Creating the namespace PUT its protected indexes already.
    const auto puts_before = qdrant_.count_requests("PUT", "/collections/blocker/index");
    qdrant_.set_response_delay(60s);
    auto blocked = std::async(std::launch::async, [this] {
      return http_request("127.0.0.1", a_.port(), "PATCH", "/v1/namespaces/blocking",
                          R"({"payload_indexes": [{"field_name": "color", "type": "keyword"}]})",
                          k_admin, 60s);
    });
    EXPECT_TRUE(wait_until(
        [&] {
          return qdrant_.count_requests("PUT", "/collections/blocker/index") == puts_before + 1;
        },
        20s))
        << a_.output();
    return blocked;
  }

  static http_result describe(daemon_process& daemon, const std::string& text) {
    return http_request("127.0.0.1", daemon.port(), "PATCH", "/v1/namespaces/shop",
                        R"({"description": ")" + text + R"("})", k_admin, 30s);
  }

  // The worker's queue has drained once a request queued behind the dropped one is answered.
  static boost::json::value read_shop(daemon_process& daemon, std::string& etag) {
    const auto r = daemon.get("/v1/namespaces/shop", k_admin);
    EXPECT_EQ(r.status, 200u) << r.body;
    etag = r.header("etag");
    return parse_json(r.body);
  }

  static void expect_request_timeout(const http_result& r) {
    EXPECT_EQ(r.status, 503u) << r.body;
    EXPECT_EQ(r.header("retry-after"), "1");
    EXPECT_EQ(parse_json(r.body).at("error").at("details").at("reason"), "request_timeout")
        << r.body;
  }

  redis_server redis_;
  fake_qdrant qdrant_;
  daemon_process a_;
};

TEST_F(NamespaceRequestDeadlineTest, APatchAnswered503WhileQueuedIsNeverStored) {
  auto blocked = occupy_the_worker();
  const auto late = describe(a_, "late");
  expect_request_timeout(late);

  // The worker frees once the blocked PATCH has run out its Qdrant timeouts.
  const auto blocker = blocked.get();
  EXPECT_NE(blocker.status, 200u) << blocker.body;
  qdrant_.clear_faults();
  std::string etag;
  const auto shop = read_shop(a_, etag);
  EXPECT_EQ(etag, "\"1\"") << boost::json::serialize(shop);
  EXPECT_NE(shop.at("description"), "late") << boost::json::serialize(shop);
  EXPECT_EQ(
      exposition_metric_sum(a_.get("/metrics").body, "index_optimizer_http_request_timeouts_total",
                            {{"stage", "queued"}}),
      1.0);
  EXPECT_NE(a_.output().find("answered 503, it will not run"), std::string::npos);
}

// Two daemons on one Redis: the write answered 503 on A must not overwrite the newer write a
// client made through B after being told so (the issue saw ETag 2 -> 3, 15 s after the 503).
TEST_F(NamespaceRequestDeadlineTest, ANewerWriteThroughAnotherDaemonSurvivesTheOneAnswered503) {
  daemon_process b(config_for(qdrant_, 4), redis_.url());
  auto blocked = occupy_the_worker();
  expect_request_timeout(describe(a_, "stale"));
  const auto newer = describe(b, "newer");
  ASSERT_EQ(newer.status, 200u) << newer.body;
  EXPECT_EQ(newer.header("etag"), "\"2\"");

  blocked.get();
  qdrant_.clear_faults();
  for (daemon_process* daemon : {&a_, &b}) {
    std::string etag;
    const auto shop = read_shop(*daemon, etag);
    EXPECT_EQ(shop.at("description"), "newer") << boost::json::serialize(shop);
    EXPECT_EQ(etag, "\"2\"");
  }
}

}  // namespace
}  // namespace index_optimizer::testing
