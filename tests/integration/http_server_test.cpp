// The admin HTTP server over real sockets, in-process, with routes made for the test.
#include "http/server.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "support/http_client.hpp"
#include "support/registry_metrics.hpp"
#include "support/wait.hpp"

namespace index_optimizer::http {
namespace {

using boost::beast::http::verb;
using testing::http_connection;
using testing::http_request;
using testing::parse_json;

constexpr const char* k_host = "127.0.0.1";

struct server_fixture {
  explicit server_fixture(server_options o = {}, std::function<void(router&)> extra = {}) {
    o.port = 0;
    router r;
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

TEST(HttpServer, ConnectionLimitHoldsAndServerStillAnswers) {
  server_options o;
  o.max_connections = 2;
  server_fixture f(o);
  http_connection a(k_host, f.port);
  http_connection b(k_host, f.port);
  ASSERT_EQ(a.request("GET", "/open").status, 200u);
  ASSERT_EQ(b.request("GET", "/open").status, 200u);
  const auto rejected = http_request(k_host, f.port, "GET", "/open");
  EXPECT_EQ(rejected.status, 503u);
  EXPECT_EQ(rejected.header("retry-after"), "1");
  b.close();
  EXPECT_TRUE(testing::wait_until(
      [&] { return http_request(k_host, f.port, "GET", "/open").status == 200u; }));
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
