// http.request_timeout against handlers that change things, over real sockets with the server
// in-process: a request answered 503 at its deadline has changed nothing and never will (a
// queued handler is dropped unrun, a running one cannot begin its changes), and a handler that
// began changing things is awaited and its own answer sent (docs/http.md, "Request deadline").
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>

#include "http/server.hpp"
#include "support/http_client.hpp"
#include "support/registry_metrics.hpp"
#include "support/wait.hpp"

namespace index_optimizer::http {
namespace {

using namespace std::chrono_literals;
using boost::beast::http::verb;
using testing::http_request;
using testing::parse_json;
using testing::wait_until;

constexpr const char* k_host = "127.0.0.1";
constexpr auto k_request_timeout = 300ms;

// A latch handlers wait on until the test opens it (bounded, so a failing test cannot hang).
struct gate_for_test {
  std::promise<void> opened;
  std::shared_future<void> waiter = opened.get_future().share();
  std::atomic<int> waiting{0};
  void wait() {
    ++waiting;
    waiter.wait_for(30s);
  }
  void open() { opened.set_value(); }
};

struct deadline_fixture {
  // One worker thread, so a blocked handler makes the next request queue.
  explicit deadline_fixture(std::function<void(router&)> routes) {
    server_options o;
    o.port = 0;
    o.worker_threads = 1;
    o.request_timeout = k_request_timeout;
    o.auth_required = false;
    router r;
    r.add({verb::get, "/block", std::nullopt, [this](api_request&) {
             blocker.wait();
             return json_response(200, {{"blocked", true}});
           }});
    r.add({verb::get, "/ran", std::nullopt, [this](api_request&) {
             return json_response(200, {{"ran", ran.load()}});
           }});
    routes(r);
    srv = std::make_unique<server>(o, std::move(r), std::make_shared<api_key_authenticator>(),
                                   std::make_shared<http_metrics>(registry));
    srv->start();
    port = srv->local_port();
  }
  ~deadline_fixture() {
    if (!blocker_opened) blocker.open();
    srv->shutdown(5s);
  }

  // Occupies the only worker until release_worker().
  std::future<testing::http_result> occupy_worker() {
    auto blocked = std::async(std::launch::async, [this] {
      return http_request(k_host, port, "GET", "/block", {}, {}, 30s);
    });
    EXPECT_TRUE(wait_until([&] { return blocker.waiting.load() == 1; }, 10s));
    return blocked;
  }
  void release_worker() {
    blocker_opened = true;
    blocker.open();
  }
  double timeouts(const std::string& stage) {
    return testing::metric_sum(registry, "index_optimizer_http_request_timeouts_total",
                               {{"stage", stage}});
  }

  prometheus::Registry registry;
  gate_for_test blocker;
  bool blocker_opened = false;
  std::atomic<int> ran{0};
  std::unique_ptr<server> srv;
  unsigned short port = 0;
};

void expect_request_timeout(const testing::http_result& r) {
  EXPECT_EQ(r.status, 503u) << r.body;
  EXPECT_EQ(r.header("retry-after"), "1");
  EXPECT_EQ(parse_json(r.body).at("error").at("details").at("reason"), "request_timeout");
}

// The case: a write waits for a worker past http.request_timeout and is answered 503.
// Once a worker frees it must not run: the client was told it failed.
TEST(HttpRequestDeadline, AQueuedWriteAnswered503AtItsDeadlineNeverRuns) {
  deadline_fixture f([&f](router& r) {
    r.add({verb::post, "/write", std::nullopt, [&f](api_request&) {
             ++f.ran;
             return json_response(200, {{"written", true}});
           }});
  });
  auto blocked = f.occupy_worker();
  const auto started = std::chrono::steady_clock::now();
  const auto late = http_request(k_host, f.port, "POST", "/write", "{}");
  EXPECT_GE(std::chrono::steady_clock::now() - started, k_request_timeout - 50ms);
  expect_request_timeout(late);

  f.release_worker();
  expect_request_timeout(blocked.get());  // the blocked read also outlived its deadline
  // One worker runs requests in order: once /ran answers, the dropped write has had its turn.
  const auto after = http_request(k_host, f.port, "GET", "/ran");
  ASSERT_EQ(after.status, 200u) << after.body;
  EXPECT_EQ(parse_json(after.body).at("ran"), 0);
  EXPECT_EQ(f.ran.load(), 0);
  EXPECT_EQ(f.timeouts("queued"), 1.0);
  EXPECT_EQ(f.timeouts("running"), 1.0);
}

// A handler that reaches its first change after its deadline finds the gate closed, changes
// nothing, and the client has the 503 it was given at the deadline.
TEST(HttpRequestDeadline, AGatedHandlerPastItsDeadlineCannotBeginItsChanges) {
  gate_for_test hold;
  std::promise<bool> began;
  deadline_fixture f([&](router& r) {
    r.add({verb::patch, "/gated", std::nullopt,
           [&](api_request& request) {
             hold.wait();
             const bool may = request.begin_effects();
             began.set_value(may);
             return json_response(200, {{"changed", may}});
           },
           execution::worker_pool, effects::gated});
  });
  auto answered = std::async(std::launch::async,
                             [&] { return http_request(k_host, f.port, "PATCH", "/gated", "{}"); });
  ASSERT_TRUE(wait_until([&] { return hold.waiting.load() == 1; }, 10s));
  const auto r = answered.get();
  expect_request_timeout(r);
  hold.open();
  auto verdict = began.get_future();
  ASSERT_EQ(verdict.wait_for(10s), std::future_status::ready);
  EXPECT_FALSE(verdict.get());
  EXPECT_EQ(f.timeouts("running"), 1.0);
}

// Once a handler has begun changing things the deadline no longer answers for it: the client
// waits and gets the handler's own answer, so it learns what happened.
TEST(HttpRequestDeadline, AHandlerThatBeganItsChangesIsAnsweredWithItsOwnResult) {
  gate_for_test hold;
  deadline_fixture f([&](router& r) {
    r.add({verb::patch, "/gated", std::nullopt,
           [&](api_request& request) {
             if (!request.begin_effects()) return json_response(500, {{"began", false}});
             hold.wait();
             return json_response(200, {{"applied", true}});
           },
           execution::worker_pool, effects::gated});
  });
  auto answered = std::async(std::launch::async, [&] {
    return http_request(k_host, f.port, "PATCH", "/gated", "{}", {}, 30s);
  });
  ASSERT_TRUE(wait_until([&] { return hold.waiting.load() == 1; }, 10s));
  // The deadline passes with the handler mid-change: nothing is answered then.
  ASSERT_TRUE(wait_until([&] { return f.timeouts("awaited") == 1.0; }, 10s));
  EXPECT_EQ(answered.wait_for(0s), std::future_status::timeout);
  hold.open();
  const auto r = answered.get();
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(parse_json(r.body).at("applied"), true);
  EXPECT_EQ(f.timeouts("running") + f.timeouts("queued"), 0.0);
}

// A write route that does not use the gate (every non-GET route by default) counts as changing
// things from its first instruction: once started it is awaited, never answered 503 under it.
TEST(HttpRequestDeadline, AnUngatedWriteThatStartedIsAwaited) {
  gate_for_test hold;
  deadline_fixture f([&](router& r) {
    r.add({verb::post, "/write", std::nullopt, [&](api_request&) {
             hold.wait();
             return json_response(201, {{"written", true}});
           }});
  });
  auto answered = std::async(std::launch::async, [&] {
    return http_request(k_host, f.port, "POST", "/write", "{}", {}, 30s);
  });
  ASSERT_TRUE(wait_until([&] { return hold.waiting.load() == 1; }, 10s));
  ASSERT_TRUE(wait_until([&] { return f.timeouts("awaited") == 1.0; }, 10s));
  hold.open();
  EXPECT_EQ(answered.get().status, 201u);
}

// Every 503 tells the client when to retry, also one a handler built without saying so.
TEST(HttpRetryAfter, AHandlers503WithoutRetryAfterIsSentWithOne) {
  deadline_fixture f([](router& r) {
    r.add({verb::get, "/unavailable", std::nullopt,
           [](api_request&) { return error_response(503, "down"); }});
    r.add({verb::get, "/later", std::nullopt, [](api_request&) {
             return with_retry_after(error_response(503, "open"), std::chrono::seconds(17));
           }});
  });
  auto r = http_request(k_host, f.port, "GET", "/unavailable");
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(r.header("retry-after"), "1");
  r = http_request(k_host, f.port, "GET", "/later");
  EXPECT_EQ(r.header("retry-after"), "17");  // its own value, once
}

}  // namespace
}  // namespace index_optimizer::http
