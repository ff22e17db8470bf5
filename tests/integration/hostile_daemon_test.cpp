// Hostile clients against the real binary at the connection level: idle connections twice
// http.max_connections, clients that trickle their requests, and a process out of file
// descriptors. In each case the documented limit holds, the server keeps answering, and slots
// come back.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/daemon_process.hpp"
#include "support/raw_socket.hpp"
#include "support/redis_server.hpp"
#include "support/registry_metrics.hpp"
#include "support/wait.hpp"

namespace index_optimizer::testing {
namespace {

using namespace std::chrono_literals;

const std::map<std::string, std::string> k_admin = {{"Authorization", "Bearer dev-admin-key"}};

std::string config_with(const std::string& http) {
  return "auth:\n  keys:\n    - name: admin\n"
         "      sha256: df76ff796f70d2c9cb055ea6280553caa27eda26b70e01082c160de75a05a4a9\n"
         "      permissions: [admin]\n"
         "optimizer:\n  enabled: false\n"
         "http:\n" +
         http;
}

void create_namespace(daemon_process& d) {
  const auto r = d.request("POST", "/v1/namespaces",
                           R"({"namespace_name": "shop", "feature_extractors": []})", k_admin);
  ASSERT_EQ(r.status, 200u) << r.body;
}

std::size_t count_lines(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

// One value from the daemon's /metrics, read on a new connection.
double scraped(daemon_process& d, const std::string& name) {
  return exposition_metric_sum(http_request("127.0.0.1", d.port(), "GET", "/metrics").body, name);
}

// Twice http.max_connections idle connections — half had one request answered and idle on
// keep-alive, half never sent a byte — with timeouts of minutes: probes, the scrape and a keyed
// request are each answered within seconds, because at the limit the connections idle longest
// are closed to admit new ones. The shortage is logged, at most once per 10 s, and counted.
TEST(HostileDaemon, TwiceMaxConnectionsIdleClientsDoNotLockOutProbesOrKeyedRequests) {
  constexpr int k_limit = 64;  // 56 general slots and the default reserve of 8
  redis_server redis;
  daemon_process d(config_with("  max_connections: " + std::to_string(k_limit) +
                               "\n  read_timeout: 5m\n  idle_timeout: 5m\n"),
                   redis.url());
  create_namespace(d);
  ASSERT_TRUE(wait_until([&] { return d.get("/readyz").status == 200u; }, 30s)) << d.output();
  ASSERT_EQ(count_lines(d.output(), "http connection limit reached"), 0u);

  const auto began = std::chrono::steady_clock::now();
  std::vector<raw_socket> idle;
  for (int i = 0; i < k_limit; ++i) {
    raw_socket s(d.port());
    ASSERT_TRUE(s.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(s.wait_response(20s)) << s.received();
    ASSERT_EQ(s.received().rfind("HTTP/1.1 200", 0), 0u) << s.received();
    idle.push_back(std::move(s));
  }
  for (int i = 0; i < k_limit; ++i)
    idle.emplace_back(d.port());

  const std::map<std::string, std::string> none;
  for (const auto& [path, headers] :
       std::vector<std::pair<std::string, const std::map<std::string, std::string>*>>{
           {"/healthz", &none},
           {"/readyz", &none},
           {"/metrics", &none},
           {"/v1/namespaces/shop", &k_admin}}) {
    const auto started = std::chrono::steady_clock::now();
    http_result r;
    ASSERT_NO_THROW(r = http_request("127.0.0.1", d.port(), "GET", path, {}, *headers, 10s))
        << path;
    EXPECT_EQ(r.status, 200u) << path << ": " << r.body;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << path;
  }

  // 128 idle connections on 56 general slots: at least the 72 oldest made room.
  EXPECT_GE(scraped(d, "index_optimizer_http_evicted_connections_total"), 72.0);
  EXPECT_EQ(scraped(d, "index_optimizer_http_rejected_connections_total"), 0.0);
  EXPECT_LE(scraped(d, "index_optimizer_http_open_connections"), static_cast<double>(k_limit));
  ASSERT_TRUE(wait_until(
      [&] { return count_lines(d.output(), "http connection limit reached") >= 1; }, 20s))
      << d.output();
  const auto output = d.output();
  const auto lines = count_lines(output, "http connection limit reached");
  const auto elapsed = std::chrono::steady_clock::now() - began;
  EXPECT_LE(lines, 1 + static_cast<std::size_t>(elapsed / 10s)) << output;
  const auto line = output.substr(output.find("http connection limit reached"));
  EXPECT_NE(line.find("max_connections=64"), std::string::npos) << line;
  EXPECT_NE(line.find("evicted="), std::string::npos) << line;
}

// A client trickling its headers, one trickling its body, and one trickling its second request
// on a kept-alive connection each hold a slot of http.max_connections, and being busy none is
// evicted. Each is cut once http.read_timeout has passed since its request began — not
// idle_timeout, though bytes keep coming — and its slot serves a new client afterwards.
TEST(HostileDaemon, SlowClientsAreCutAfterTheReadTimeoutAndFreeTheirSlots) {
  constexpr auto k_read_timeout = 2s;
  redis_server redis;
  // Four general slots (three slow clients and a filler), and one reserved for probes.
  daemon_process d(config_with("  max_connections: 5\n  reserved_connections: 1\n"
                               "  read_timeout: 2s\n  idle_timeout: 1m\n"),
                   redis.url());
  create_namespace(d);
  // Only the scrape's own connection is open.
  ASSERT_TRUE(
      wait_until([&] { return scraped(d, "index_optimizer_http_open_connections") == 1.0; }, 30s));

  struct slow_client {
    std::string name;
    std::chrono::steady_clock::time_point began;  // no later than the server's deadline starts
    raw_socket socket;
    char trickle;  // sent every 100 ms after the start of the request
    std::optional<std::chrono::steady_clock::duration> cut_after;
  };
  // A connection whose first bytes the server has not read yet is idle, and may be evicted to
  // admit a new one (as nginx does): each slow client is confirmed busy, by a scrape that still
  // finds a free general slot, before the next connects.
  const auto none_idle = [&] {
    return wait_until([&] { return scraped(d, "index_optimizer_http_idle_connections") == 0.0; },
                      30s);
  };
  std::vector<slow_client> clients;
  {
    raw_socket kept_alive(d.port());
    ASSERT_TRUE(kept_alive.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(kept_alive.wait_response(20s)) << kept_alive.received();
    ASSERT_EQ(kept_alive.received().rfind("HTTP/1.1 200", 0), 0u) << kept_alive.received();
    kept_alive.clear_received();
    const auto began = std::chrono::steady_clock::now();
    ASSERT_TRUE(kept_alive.send("GET /healthz HTTP/1.1\r\nX-Slow: "));
    clients.push_back({"second request", began, std::move(kept_alive), 'c', std::nullopt});
  }
  ASSERT_TRUE(none_idle());
  auto began = std::chrono::steady_clock::now();
  clients.push_back({"headers", began, raw_socket(d.port()), 'a', std::nullopt});
  ASSERT_TRUE(clients.back().socket.send("GET /v1/namespaces/shop HTTP/1.1\r\nX-Slow: "));
  ASSERT_TRUE(none_idle());
  began = std::chrono::steady_clock::now();
  clients.push_back({"body", began, raw_socket(d.port()), 'b', std::nullopt});
  ASSERT_TRUE(clients.back().socket.send(
      "PATCH /v1/namespaces/shop HTTP/1.1\r\nHost: x\r\n"
      "Authorization: Bearer dev-admin-key\r\nContent-Type: application/json\r\n"
      "Content-Length: 100000\r\n\r\n{\"description\": \""));
  ASSERT_TRUE(none_idle());
  // The last general slot: if the check below is accepted before this one's bytes are read, it
  // is this one that is evicted, never a measured client (and the check then fails, skipping the
  // refusal test).
  raw_socket filler(d.port());
  ASSERT_TRUE(filler.send("GET /healthz HTTP/1.1\r\nX-Slow: "));

  // The slow clients and the filler hold every general slot: a probe is served on the reserved
  // one (checked only while the slow ones are surely still held, which a loaded machine may not
  // leave time for).
  const auto slow_clients_hold_the_general_slots = [&] {
    const auto metrics = http_request("127.0.0.1", d.port(), "GET", "/metrics").body;
    return exposition_metric_sum(metrics, "index_optimizer_http_open_connections") == 5.0 &&
           exposition_metric_sum(metrics, "index_optimizer_http_idle_connections") == 0.0 &&
           exposition_metric_sum(metrics, "index_optimizer_http_evicted_connections_total") == 0.0;
  };
  if (wait_until(slow_clients_hold_the_general_slots, k_read_timeout / 2)) {
    // A keyed request on the reserved slot is refused: pinned without slow clients (and so
    // without their timing) by HttpServerTest's reserved-slot test.
    const auto probe = http_request("127.0.0.1", d.port(), "GET", "/healthz");
    if (std::chrono::steady_clock::now() - clients.front().began < k_read_timeout * 9 / 10) {
      EXPECT_EQ(probe.status, 200u);
    }
  }

  const bool all_cut = wait_until(
      [&] {
        bool done = true;
        for (auto& c : clients) {
          if (c.cut_after) continue;
          if (!c.socket.send(std::string(1, c.trickle)) || !c.socket.poll_input()) {
            c.cut_after = std::chrono::steady_clock::now() - c.began;
            continue;
          }
          done = false;
        }
        return done;
      },
      20s, 100ms);
  ASSERT_TRUE(all_cut) << d.output();
  for (const auto& c : clients) {
    // Bytes kept arriving, so only the whole-request deadline can have cut it.
    EXPECT_GE(*c.cut_after, k_read_timeout * 9 / 10) << c.name;
    EXPECT_EQ(c.socket.received(), "") << c.name << ": nothing is answered to a cut request";
  }
  // Their slots are free again: a keyed request is served, and only the scrape is left open.
  EXPECT_TRUE(wait_until(
      [&] {
        return http_request("127.0.0.1", d.port(), "GET", "/v1/namespaces/shop", {}, k_admin)
                   .status == 200u;
      },
      30s));
  EXPECT_TRUE(
      wait_until([&] { return scraped(d, "index_optimizer_http_open_connections") == 1.0; }, 30s));
  EXPECT_EQ(parse_json(d.get("/v1/namespaces/shop", k_admin).body).at("description"), nullptr);
}

// The process runs out of descriptors below http.max_connections (a soft RLIMIT_NOFILE lower
// than the limit needs): the server pauses accepting instead of spinning on accept() and
// flooding the log, and serves the waiting connections once descriptors are free again.
TEST(HostileDaemon, OutOfDescriptorsPausesAcceptingAndRecovers) {
  redis_server redis;
  daemon_process d(config_with("  max_connections: 1024\n"), redis.url());
  ASSERT_TRUE(wait_until([&] { return d.get("/readyz").status == 200u; }, 30s)) << d.output();
  const auto fd_dir = std::filesystem::path("/proc") / std::to_string(d.process().pid()) / "fd";
  const auto open_fds = static_cast<rlim_t>(std::distance(
      std::filesystem::directory_iterator(fd_dir), std::filesystem::directory_iterator()));
  rlimit limit{};
  ASSERT_EQ(::prlimit(d.process().pid(), RLIMIT_NOFILE, nullptr, &limit), 0);
  const rlimit original = limit;
  limit.rlim_cur = open_fds + 4;
  ASSERT_EQ(::prlimit(d.process().pid(), RLIMIT_NOFILE, &limit, nullptr), 0);

  std::vector<raw_socket> clients;
  for (int i = 0; i < 40; ++i)
    clients.emplace_back(d.port());
  ASSERT_TRUE(
      wait_until([&] { return d.output().find("http accept failed") != std::string::npos; }, 20s))
      << d.output();
  // While it is out of descriptors a new client waits in the backlog, unanswered.
  EXPECT_THROW(http_request("127.0.0.1", d.port(), "GET", "/healthz", {}, {}, 1s),
               std::runtime_error);

  clients.clear();
  ASSERT_EQ(::prlimit(d.process().pid(), RLIMIT_NOFILE, &original, nullptr), 0);
  EXPECT_TRUE(wait_until(
      [&] {
        try {
          return http_request("127.0.0.1", d.port(), "GET", "/healthz", {}, {}, 2s).status == 200u;
        } catch (const std::runtime_error&) {
          return false;
        }
      },
      30s))
      << d.output();
  const auto output = d.output();
  // One warning for the episode, not one per failed accept() call.
  EXPECT_LE(count_lines(output, "http accept failed"), 2u) << output.substr(0, 4000);
  EXPECT_NE(output.find("http accepting connections again"), std::string::npos);
}

// A soft RLIMIT_NOFILE below http.max_connections means running out of descriptors before the
// limit holds: the daemon says so at startup, with the number to raise it to.
TEST(HostileDaemon, StartupWarnsWhenTheDescriptorLimitCannotHoldMaxConnections) {
  redis_server redis;
  // The daemon inherits this process's limit: lowered while it starts, restored after.
  struct lowered_limit {
    rlimit original{};
    lowered_limit() {
      ::getrlimit(RLIMIT_NOFILE, &original);
      rlimit low = original;
      low.rlim_cur = std::min<rlim_t>(original.rlim_cur, 512);
      ::setrlimit(RLIMIT_NOFILE, &low);
    }
    ~lowered_limit() { ::setrlimit(RLIMIT_NOFILE, &original); }
  };
  std::unique_ptr<daemon_process> d;
  {
    lowered_limit low;
    d = std::make_unique<daemon_process>(config_with("  max_connections: 1024\n"), redis.url());
  }
  EXPECT_TRUE(
      wait_until([&] { return d->output().find("RLIMIT_NOFILE 512") != std::string::npos; }, 20s))
      << d->output();
  EXPECT_NE(d->output().find("at least 1088"), std::string::npos) << d->output();
  EXPECT_EQ(d->get("/healthz").status, 200u);
}

}  // namespace
}  // namespace index_optimizer::testing
