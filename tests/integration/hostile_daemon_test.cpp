// Hostile clients against the real binary at the connection level: thousands of idle
// connections, clients that trickle their requests, and a process out of file descriptors. In
// each case the documented limit holds, the server keeps answering, and slots come back.
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

// Raises this process's soft descriptor limit towards `wanted` (the daemon, a child, inherits
// it); returns the soft limit now in force.
rlim_t raise_descriptor_limit(rlim_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < wanted) {
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur;
}

double open_connections(http_connection& probe) {
  return exposition_metric_sum(probe.request("GET", "/metrics").body,
                               "index_optimizer_http_open_connections");
}

double rejected_connections(http_connection& probe) {
  return exposition_metric_sum(probe.request("GET", "/metrics").body,
                               "index_optimizer_http_rejected_connections_total");
}

// The 503 a connection over http.max_connections gets before the server closes it.
::testing::AssertionResult refused_with_503(const raw_socket& s) {
  const auto& text = s.received();
  if (text.rfind("HTTP/1.1 503", 0) != 0 || text.find("Retry-After: 1\r\n") == std::string::npos ||
      text.find("\"ServiceUnavailableError\"") == std::string::npos) {
    return ::testing::AssertionFailure() << "not the documented 503: " << text;
  }
  return ::testing::AssertionSuccess();
}

void create_namespace(daemon_process& d) {
  const auto r = d.request("POST", "/v1/namespaces",
                           R"({"namespace_name": "shop", "feature_extractors": []})", k_admin);
  ASSERT_EQ(r.status, 200u) << r.body;
}

// 3000 connections that send nothing against http.max_connections 2500: while 2500 are held
// the server still answers, the 500 beyond the limit get the documented 503 and are closed,
// none of the held ones is dropped for them, and once they close the gauge is back at its
// baseline.
TEST(HostileDaemon, ThousandsOfIdleConnectionsTheLimitHoldsAndTheServerStillAnswers) {
  constexpr int k_limit = 2500;
  constexpr int k_total = 3000;
  if (raise_descriptor_limit(k_total + 1000) < k_total + 1000) {
    GTEST_SKIP() << "RLIMIT_NOFILE cannot be raised to " << k_total + 1000;
  }
  redis_server redis;
  // read_timeout also bounds a new connection's wait for its first request: long here, so the
  // idle connections stay for the whole test.
  daemon_process d(config_with("  max_connections: " + std::to_string(k_limit) +
                               "\n  read_timeout: 5m\n  idle_timeout: 5m\n"),
                   redis.url());
  create_namespace(d);
  // One keep-alive connection reads the metrics throughout; it holds one of the slots.
  http_connection probe("127.0.0.1", d.port(), 30s);
  // Once the connections of the setup requests are gone, only the probe itself is open.
  const double baseline = 1.0;
  ASSERT_TRUE(wait_until([&] { return open_connections(probe) == baseline; }, 30s));
  const double rejected_before = rejected_connections(probe);

  // Ten slots short of the limit: the server keeps answering new connections at once.
  std::vector<raw_socket> idle;
  for (int i = 0; i < k_limit - 11; ++i)
    idle.emplace_back(d.port());
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(http_request("127.0.0.1", d.port(), "GET", "/healthz", {}, {}, 20s).status, 200u);
  EXPECT_EQ(
      http_request("127.0.0.1", d.port(), "GET", "/v1/namespaces/shop", {}, k_admin, 20s).status,
      200u);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 20s);
  // Those two connections have gone again: every slot but ten is held.
  ASSERT_TRUE(wait_until([&] { return open_connections(probe) == k_limit - 10; }, 30s))
      << open_connections(probe);

  // 510 more: ten fill the limit, the other 500 are refused.
  std::vector<raw_socket> extra;
  for (int i = static_cast<int>(idle.size()) + 1; i < k_total; ++i)
    extra.emplace_back(d.port());
  std::size_t refused = 0;
  ASSERT_TRUE(wait_until(
      [&] {
        refused = 0;
        for (auto& s : extra) {
          s.poll_input();
          if (s.peer_closed()) ++refused;
        }
        return refused >= extra.size() - 10;
      },
      30s))
      << refused << " of " << extra.size() << " refused";
  std::size_t held_extra = 0;
  for (auto& s : extra) {
    if (!s.peer_closed()) {
      ++held_extra;
      EXPECT_EQ(s.received(), "");  // held: nothing sent, still open
      continue;
    }
    EXPECT_TRUE(refused_with_503(s));
  }
  EXPECT_EQ(held_extra, 10u);
  for (auto& s : idle) {
    s.poll_input();
    ASSERT_FALSE(s.peer_closed()) << "a held connection was closed for a newcomer";
  }
  EXPECT_TRUE(wait_until([&] { return open_connections(probe) == k_limit; }, 30s))
      << open_connections(probe);
  EXPECT_EQ(rejected_connections(probe) - rejected_before, static_cast<double>(refused));
  // At the limit a new client is refused too, with the same answer.
  const auto full = http_request("127.0.0.1", d.port(), "GET", "/healthz", {}, {}, 20s);
  EXPECT_EQ(full.status, 503u);
  EXPECT_EQ(full.header("retry-after"), "1");

  // Ten held connections leave: new clients are served again while 2490 stay.
  for (int i = 0; i < 10; ++i)
    idle.pop_back();
  EXPECT_TRUE(wait_until(
      [&] { return http_request("127.0.0.1", d.port(), "GET", "/healthz").status == 200u; }, 30s));
  EXPECT_EQ(
      http_request("127.0.0.1", d.port(), "GET", "/v1/namespaces/shop", {}, k_admin, 20s).status,
      200u);

  idle.clear();
  extra.clear();
  EXPECT_TRUE(wait_until([&] { return open_connections(probe) == baseline; }, 30s))
      << open_connections(probe);
}

// A client trickling its headers, one trickling its body, and one trickling its second request
// on a kept-alive connection each hold a slot of http.max_connections. Each is cut once
// http.read_timeout has passed since its request began — not idle_timeout, though bytes keep
// coming — and its slot serves a new client afterwards.
TEST(HostileDaemon, SlowClientsAreCutAfterTheReadTimeoutAndFreeTheirSlots) {
  constexpr auto k_read_timeout = 2s;
  redis_server redis;
  daemon_process d(config_with("  max_connections: 4\n  read_timeout: 2s\n  idle_timeout: 1m\n"),
                   redis.url());
  create_namespace(d);
  http_connection probe("127.0.0.1", d.port(), 30s);
  ASSERT_TRUE(wait_until([&] { return open_connections(probe) == 1.0; }, 30s));

  struct slow_client {
    std::string name;
    std::chrono::steady_clock::time_point began;  // no later than the server's deadline starts
    raw_socket socket;
    char trickle;  // sent every 100 ms after the start of the request
    std::optional<std::chrono::steady_clock::duration> cut_after;
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
  auto began = std::chrono::steady_clock::now();
  clients.push_back({"headers", began, raw_socket(d.port()), 'a', std::nullopt});
  ASSERT_TRUE(clients.back().socket.send("GET /v1/namespaces/shop HTTP/1.1\r\nX-Slow: "));
  began = std::chrono::steady_clock::now();
  clients.push_back({"body", began, raw_socket(d.port()), 'b', std::nullopt});
  ASSERT_TRUE(clients.back().socket.send(
      "PATCH /v1/namespaces/shop HTTP/1.1\r\nHost: x\r\n"
      "Authorization: Bearer dev-admin-key\r\nContent-Type: application/json\r\n"
      "Content-Length: 100000\r\n\r\n{\"description\": \""));

  // The three slow clients and the probe fill every slot: a new client is refused (checked only
  // while the slow ones are surely still held, which a loaded machine may not leave time for).
  if (wait_until([&] { return open_connections(probe) == 4.0; }, k_read_timeout / 2)) {
    const auto refused = http_request("127.0.0.1", d.port(), "GET", "/healthz");
    if (std::chrono::steady_clock::now() - clients.front().began < k_read_timeout * 9 / 10) {
      EXPECT_EQ(refused.status, 503u);
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
  // Their slots are free again: a new client is served, and only the probe is left open.
  EXPECT_TRUE(wait_until(
      [&] { return http_request("127.0.0.1", d.port(), "GET", "/healthz").status == 200u; }, 30s));
  EXPECT_TRUE(wait_until([&] { return open_connections(probe) == 1.0; }, 30s));
  EXPECT_EQ(parse_json(d.get("/v1/namespaces/shop", k_admin).body).at("description"), nullptr);
}

std::size_t count_lines(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
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
