// The admin HTTP server over real sockets, in-process, with routes made for the test.
#include "http/server.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "support/http_client.hpp"
#include "support/raw_socket.hpp"
#include "support/registry_metrics.hpp"
#include "support/wait.hpp"

namespace index_optimizer::http {
namespace {

using boost::beast::http::verb;
using testing::http_connection;
using testing::http_request;
using testing::parse_json;
using testing::raw_socket;
using namespace std::chrono_literals;

constexpr const char* k_host = "127.0.0.1";

struct server_fixture {
  explicit server_fixture(server_options o = {}, std::function<void(router&)> extra = {}) {
    o.port = 0;
    router r;
    r.add({verb::get, "/healthz", std::nullopt,
           [](api_request&) {
             return json_response(200, {{"status", "ok"}});
           },
           execution::inline_io});
    r.add({verb::get, "/open", std::nullopt,
           [](api_request&) {
             return json_response(200, {{"ok", true}});
           },
           execution::inline_io});
    r.add({verb::get, "/read", permission::read, [](api_request& req) {
             return json_response(200, {{"caller", req.caller.key_name}});
           }});
    r.add({verb::delete_, "/admin/{id}", permission::admin, [](api_request& req) {
             return json_response(200, {{"id", req.path_params.at("id")}});
           }});
    r.add({verb::post, "/echo", std::nullopt, [](api_request& req) {
             api_response res;
             res.content_type = "text/plain";
             res.body = req.raw.body();
             return res;
           }});
    r.add({verb::get, "/throw", std::nullopt,
           [](api_request&) -> api_response { throw std::runtime_error("boom"); }});
    if (extra) extra(r);
    auto auth = std::make_shared<api_key_authenticator>(
        std::vector<auth_key>{{"reader", sha256_of("sk_reader"), {permission::read}},
                              {"boss", sha256_of("sk_boss"), {permission::admin}}});
    srv = std::make_unique<server>(o, std::move(r), auth, std::make_shared<http_metrics>(registry));
    srv->start();
    port = srv->local_port();
  }
  prometheus::Registry registry;
  std::unique_ptr<server> srv;
  unsigned short port = 0;
};

TEST(HttpServer, ServesInlineAndPoolRoutes) {
  server_fixture f;
  EXPECT_EQ(http_request(k_host, f.port, "GET", "/open").status, 200u);
  const auto r =
      http_request(k_host, f.port, "GET", "/read", {}, {{"Authorization", "Bearer sk_reader"}});
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(parse_json(r.body).at("caller"), "reader");
}

TEST(HttpServer, UnknownPathIs404InEnvelope) {
  server_fixture f;
  const auto r = http_request(k_host, f.port, "GET", "/nope");
  EXPECT_EQ(r.status, 404u);
  const auto body = parse_json(r.body);
  EXPECT_EQ(body.at("success"), false);
  EXPECT_EQ(body.at("error").at("type"), "NotFoundError");
}

TEST(HttpServer, WrongMethodIs405WithAllow) {
  server_fixture f;
  const auto r = http_request(k_host, f.port, "PUT", "/open");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(r.header("allow"), "GET");
  EXPECT_EQ(parse_json(r.body).at("error").at("type"), "MethodNotAllowedError");
}

TEST(HttpServer, MissingOrWrongKeyIs401AndWeakKeyIs403) {
  server_fixture f;
  auto r = http_request(k_host, f.port, "GET", "/read");
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(r.header("www-authenticate"), "Bearer");
  EXPECT_EQ(parse_json(r.body).at("error").at("type"), "UnauthorizedError");
  r = http_request(k_host, f.port, "GET", "/read", {}, {{"Authorization", "Bearer sk_nope"}});
  EXPECT_EQ(r.status, 401u);
  r = http_request(k_host, f.port, "DELETE", "/admin/x", {},
                   {{"Authorization", "Bearer sk_reader"}});
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(parse_json(r.body).at("error").at("type"), "ForbiddenError");
  r = http_request(k_host, f.port, "DELETE", "/admin/x", {}, {{"Authorization", "Bearer sk_boss"}});
  EXPECT_EQ(r.status, 200u);
}

TEST(HttpServer, OpenPathsSkipAuthentication) {
  server_options o;
  o.open_paths = {"/read"};
  server_fixture f(o);
  EXPECT_EQ(http_request(k_host, f.port, "GET", "/read").status, 200u);
}

TEST(HttpServer, OversizedBodyIs413) {
  server_options o;
  o.max_body_bytes = 1024;
  server_fixture f(o);
  const auto r = http_request(k_host, f.port, "POST", "/echo", std::string(4096, 'x'));
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(parse_json(r.body).at("error").at("type"), "PayloadTooLargeError");
  EXPECT_EQ(http_request(k_host, f.port, "POST", "/echo", "small").body, "small");
}

TEST(HttpServer, OversizedHeadersAre431) {
  server_options o;
  o.max_header_bytes = 2048;
  server_fixture f(o);
  const auto r =
      http_request(k_host, f.port, "GET", "/open", {}, {{"X-Big", std::string(8192, 'a')}});
  EXPECT_EQ(r.status, 431u);
}

TEST(HttpServer, HandlerExceptionIs500AndServerKeepsServing) {
  server_fixture f;
  const auto r = http_request(k_host, f.port, "GET", "/throw");
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(parse_json(r.body).at("error").at("type"), "InternalServerError");
  EXPECT_EQ(http_request(k_host, f.port, "GET", "/open").status, 200u);
}

TEST(HttpServer, KeepAliveAndPipelinedRequestsAnswerInOrder) {
  server_fixture f;
  http_connection c(k_host, f.port);
  EXPECT_EQ(c.request("POST", "/echo", "one").body, "one");
  EXPECT_EQ(c.request("POST", "/echo", "two").body, "two");
  c.send_raw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nA"
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nB");
  EXPECT_EQ(c.read_response().body, "A");
  EXPECT_EQ(c.read_response().body, "B");
}

TEST(HttpServer, BlockingHandlerDoesNotBlockIoThread) {
  std::promise<void> release;
  auto released = release.get_future().share();
  server_options o;
  o.io_threads = 1;
  server_fixture f(o, [released](router& r) {
    r.add({verb::get, "/slow", std::nullopt, [released](api_request&) {
             released.wait_for(std::chrono::seconds(20));
             return json_response(200, {{"slow", true}});
           }});
  });
  auto slow = std::async(std::launch::async,
                         [&] { return http_request(k_host, f.port, "GET", "/slow").status; });
  // The slow handler occupies a worker; the single I/O thread still answers.
  EXPECT_EQ(http_request(k_host, f.port, "GET", "/open").status, 200u);
  release.set_value();
  EXPECT_EQ(slow.get(), 200u);
}

TEST(HttpServer, HandlerOverRequestTimeoutIs503AndConnectionStaysUsable) {
  std::promise<void> release;
  auto released = release.get_future().share();
  server_options o;
  o.request_timeout = std::chrono::milliseconds(200);
  server_fixture f(o, [released](router& r) {
    r.add({verb::get, "/slow", std::nullopt, [released](api_request&) {
             released.wait_for(std::chrono::seconds(20));
             return json_response(200, {{"slow", true}});
           }});
  });
  http_connection c(k_host, f.port);
  const auto r = c.request("GET", "/slow");
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(parse_json(r.body).at("error").at("type"), "ServiceUnavailableError");
  release.set_value();
  // The late result is dropped; the next request on the connection gets its own answer.
  EXPECT_EQ(c.request("GET", "/open").status, 200u);
}

TEST(HttpServer, SlowClientIsDisconnectedAfterReadTimeout) {
  server_options o;
  o.read_timeout = std::chrono::milliseconds(300);
  server_fixture f(o);
  http_connection c(k_host, f.port);
  c.send_raw("GET /open HTTP/1.1\r\nHost: x\r\n");  // never finishes its headers
  EXPECT_TRUE(c.closed_by_peer(std::chrono::seconds(10)));
  EXPECT_EQ(http_request(k_host, f.port, "GET", "/open").status, 200u);
}

// ---------------------------------------------------------------------------------------------
// The connection limit (docs/http.md, "Connection limit"). Timeouts are long in these tests, so
// only the limit's own rule can close a connection while they run.

server_options limit_options(std::size_t max_connections, std::size_t reserved) {
  server_options o;
  o.max_connections = max_connections;
  o.reserved_connections = reserved;
  o.read_timeout = 5min;
  o.idle_timeout = 5min;
  return o;
}

// A connection that had one request answered and now idles on keep-alive.
raw_socket served_then_idle(unsigned short port) {
  raw_socket s(port);
  EXPECT_TRUE(s.send("GET /open HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(s.wait_response(20s)) << s.received();
  EXPECT_EQ(s.received().rfind("HTTP/1.1 200", 0), 0u) << s.received();
  s.clear_received();
  return s;
}

// A connection whose request has begun but whose head is not finished: busy.
raw_socket reading(unsigned short port, std::string_view path) {
  raw_socket s(port);
  EXPECT_TRUE(s.send("GET " + std::string(path) +
                     " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_reader\r\n"));
  return s;
}

double metric(const server_fixture& f, const std::string& name) {
  return testing::metric_sum(f.registry, name);
}

// Every admitted connection has been accepted and none waits for a request: each has begun one.
bool all_busy(const server_fixture& f, double open) {
  return metric(f, "index_optimizer_http_open_connections") == open &&
         metric(f, "index_optimizer_http_idle_connections") == 0;
}

// Polls every socket; how many of them the server has closed.
std::size_t count_closed(std::vector<raw_socket>& sockets) {
  std::size_t closed = 0;
  for (auto& s : sockets) {
    s.poll_input();
    if (s.peer_closed()) ++closed;
  }
  return closed;
}

TEST(HttpServer, AtTheLimitTheConnectionsIdleLongestAreClosedSoProbesAndKeyedRequestsGetIn) {
  constexpr std::size_t k_limit = 32;  // 24 general slots and a reserve of 8
  server_fixture f(limit_options(k_limit, 8));
  // Twice the limit: half had one request served and idle on keep-alive, half never sent a byte.
  std::vector<raw_socket> oldest_first;
  for (std::size_t i = 0; i < k_limit; ++i) {
    oldest_first.push_back(served_then_idle(f.port));
    // The server counts it idle once its answer is written, which the client may see first:
    // waiting keeps the server's idle order the order of this vector.
    ASSERT_TRUE(testing::wait_until([&] {
      return metric(f, "index_optimizer_http_idle_connections") == std::min<double>(i + 1, 24);
    }));
  }
  for (std::size_t i = 0; i < k_limit; ++i)
    oldest_first.emplace_back(f.port);
  ASSERT_TRUE(testing::wait_until([&] {
    return metric(f, "index_optimizer_http_evicted_connections_total") == 40;
  })) << "64 idle connections on 24 general slots: the 40 oldest make room";

  // Probes and keyed requests get in at once, not after idle_timeout (5 min here).
  for (const auto& [path, headers] :
       std::vector<std::pair<std::string, std::map<std::string, std::string>>>{
           {"/healthz", {}}, {"/read", {{"Authorization", "Bearer sk_reader"}}}}) {
    const auto started = std::chrono::steady_clock::now();
    testing::http_result r;
    ASSERT_NO_THROW(r = http_request(k_host, f.port, "GET", path, {}, headers, 10s)) << path;
    EXPECT_EQ(r.status, 200u) << path << ": " << r.body;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << path;
  }

  // Those closed are the ones idle longest, in order, and only as many as were counted; nothing
  // was refused.
  std::size_t closed = 0;
  EXPECT_TRUE(testing::wait_until([&] {
    closed = count_closed(oldest_first);
    return closed >= 41 && closed == metric(f, "index_optimizer_http_evicted_connections_total");
  })) << closed;
  for (std::size_t i = 0; i < oldest_first.size(); ++i) {
    EXPECT_EQ(oldest_first[i].peer_closed(), i < closed) << "connection " << i;
    EXPECT_EQ(oldest_first[i].received(), "") << "an evicted connection is closed unanswered";
  }
  EXPECT_EQ(metric(f, "index_optimizer_http_rejected_connections_total"), 0);
  EXPECT_LE(metric(f, "index_optimizer_http_open_connections"), static_cast<double>(k_limit));
}

TEST(HttpServer, AConnectionWithARequestBeingReadOrHandledIsNeverEvicted) {
  std::promise<void> entered;
  std::promise<void> release;
  auto released = release.get_future().share();
  server_fixture f(limit_options(4, 0), [&entered, released](router& r) {
    r.add({verb::get, "/slow", std::nullopt, [&entered, released](api_request&) {
             entered.set_value();
             released.wait_for(20s);
             return json_response(200, {{"slow", true}});
           }});
  });
  raw_socket being_read = reading(f.port, "/read");
  raw_socket being_handled(f.port);
  ASSERT_TRUE(being_handled.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(entered.get_future().wait_for(20s), std::future_status::ready);
  ASSERT_TRUE(testing::wait_until([&] { return all_busy(f, 2); }));

  // Six newcomers on the two other slots: the oldest idle ones make room, never the busy two.
  std::vector<raw_socket> newcomers;
  for (int i = 0; i < 6; ++i)
    newcomers.emplace_back(f.port);
  ASSERT_TRUE(testing::wait_until([&] { return count_closed(newcomers) == 4; }));
  for (std::size_t i = 0; i < newcomers.size(); ++i)
    EXPECT_EQ(newcomers[i].peer_closed(), i < 4) << "newcomer " << i;
  EXPECT_EQ(metric(f, "index_optimizer_http_evicted_connections_total"), 4);

  ASSERT_TRUE(being_read.send("\r\n"));
  ASSERT_TRUE(being_read.wait_response(20s)) << being_read.received();
  EXPECT_EQ(being_read.received().rfind("HTTP/1.1 200", 0), 0u) << being_read.received();
  release.set_value();
  ASSERT_TRUE(being_handled.wait_response(20s)) << being_handled.received();
  EXPECT_EQ(being_handled.received().rfind("HTTP/1.1 200", 0), 0u) << being_handled.received();
}

TEST(HttpServer, WhenEveryConnectionIsBusyANewOneGets503AndTheBusyOnesAreStillServed) {
  server_fixture f(limit_options(2, 0));
  std::vector<raw_socket> busy;
  busy.push_back(reading(f.port, "/read"));
  busy.push_back(reading(f.port, "/read"));
  ASSERT_TRUE(testing::wait_until([&] { return all_busy(f, 2); }));

  const auto refused = http_request(k_host, f.port, "GET", "/healthz");
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(refused.header("retry-after"), "1");
  EXPECT_EQ(parse_json(refused.body).at("error").at("type"), "ServiceUnavailableError");
  EXPECT_EQ(metric(f, "index_optimizer_http_rejected_connections_total"), 1);
  EXPECT_EQ(metric(f, "index_optimizer_http_evicted_connections_total"), 0);

  for (std::size_t i = 0; i < busy.size(); ++i) {
    ASSERT_TRUE(busy[i].send("\r\n"));
    ASSERT_TRUE(busy[i].wait_response(20s)) << busy[i].received();
    EXPECT_EQ(busy[i].received().rfind("HTTP/1.1 200", 0), 0u) << busy[i].received();
    ASSERT_TRUE(testing::wait_until(
        [&] { return metric(f, "index_optimizer_http_idle_connections") == i + 1.0; }));
  }
  // Answered, both idle again: a newcomer takes the slot of the one idle longest.
  EXPECT_EQ(http_request(k_host, f.port, "GET", "/healthz").status, 200u);
  EXPECT_TRUE(busy.front().wait_closed(20s));
}

TEST(HttpServer, WhileEveryGeneralSlotIsBusyOnlyOpenPathsAreServedOnTheReservedSlots) {
  server_fixture f(limit_options(4, 2));  // 2 general slots, 2 reserved
  std::vector<raw_socket> general;
  general.push_back(reading(f.port, "/read"));
  general.push_back(reading(f.port, "/read"));
  ASSERT_TRUE(testing::wait_until([&] { return all_busy(f, 2); }));

  // A probe gets a reserved slot, and keeps it alive for further probes.
  http_connection probe(k_host, f.port);
  EXPECT_EQ(probe.request("GET", "/healthz").status, 200u);
  EXPECT_EQ(probe.request("GET", "/healthz").status, 200u);
  // Any other request on a reserved slot is answered 503 and its connection closed.
  const auto refused =
      http_request(k_host, f.port, "GET", "/read", {}, {{"Authorization", "Bearer sk_reader"}});
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(refused.header("retry-after"), "1");
  EXPECT_EQ(refused.header("connection"), "close");
  const std::string message(parse_json(refused.body).at("error").at("message").as_string());
  EXPECT_NE(message.find("reserved for /healthz, /metrics, /readyz"), std::string::npos) << message;
  EXPECT_EQ(metric(f, "index_optimizer_http_reserved_slot_refusals_total"), 1);
  EXPECT_TRUE(testing::wait_until([&] {
    return testing::metric_sum(f.registry, "index_optimizer_http_requests_total",
                               {{"route", "/read"}, {"status", "503"}}) == 1;
  }));

  // Two probes that begin their requests fill the reserve: the idle probe made room for the
  // second, and with every slot busy a new connection is refused.
  ASSERT_TRUE(testing::wait_until([&] {
    return metric(f, "index_optimizer_http_open_connections") == 3;
  })) << "the refused connection has closed, the probe idles on its reserved slot";
  std::vector<raw_socket> reserve;
  reserve.push_back(reading(f.port, "/healthz"));
  reserve.push_back(reading(f.port, "/healthz"));
  EXPECT_TRUE(probe.closed_by_peer(20s)) << "the idle probe on the reserve was evicted";
  ASSERT_TRUE(testing::wait_until([&] { return all_busy(f, 4); }));
  const auto full = http_request(k_host, f.port, "GET", "/healthz");
  EXPECT_EQ(full.status, 503u);
  EXPECT_EQ(metric(f, "index_optimizer_http_rejected_connections_total"), 1);

  // Every begun request is served: the keyed ones on general slots, the probes on the reserve.
  for (auto* group : {&general, &reserve}) {
    for (auto& s : *group) {
      ASSERT_TRUE(s.send("\r\n"));
      ASSERT_TRUE(s.wait_response(20s)) << s.received();
      EXPECT_EQ(s.received().rfind("HTTP/1.1 200", 0), 0u) << s.received();
    }
  }
}

TEST(HttpServer, ShutdownLetsInFlightRequestFinishWithConnectionClose) {
  std::promise<void> entered;
  std::promise<void> release;
  auto released = release.get_future().share();
  server_fixture f({}, [&entered, released](router& r) {
    r.add({verb::get, "/slow", std::nullopt, [&entered, released](api_request&) {
             entered.set_value();
             released.wait_for(std::chrono::seconds(20));
             return json_response(200, {{"slow", true}});
           }});
  });
  http_connection idle(k_host, f.port);
  ASSERT_EQ(idle.request("GET", "/open").status, 200u);
  auto slow =
      std::async(std::launch::async, [&] { return http_request(k_host, f.port, "GET", "/slow"); });
  entered.get_future().wait();
  // std::async: the future's destructor joins even if an assertion below throws.
  auto stopper = std::async(std::launch::async, [&] { f.srv->shutdown(std::chrono::seconds(10)); });
  EXPECT_TRUE(idle.closed_by_peer(std::chrono::seconds(10)));  // idle connections close at once
  release.set_value();
  testing::http_result r;
  ASSERT_NO_THROW(r = slow.get());
  stopper.get();
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("connection"), "close");
}

TEST(HttpServer, RecordsRequestMetricsByRouteTemplate) {
  server_fixture f;
  ASSERT_EQ(http_request(k_host, f.port, "DELETE", "/admin/abc", {},
                         {{"Authorization", "Bearer sk_boss"}})
                .status,
            200u);
  // The metric is recorded once the write completes, which may be just after the client read it.
  EXPECT_TRUE(testing::wait_until([&] {
    return testing::metric_sum(
               f.registry, "index_optimizer_http_requests_total",
               {{"route", "/admin/{id}"}, {"method", "DELETE"}, {"status", "200"}}) == 1;
  }));
}

}  // namespace
}  // namespace index_optimizer::http
