// The real binary against a real redis-server: health, readiness, metrics, signals.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <future>
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "support/daemon_process.hpp"
#include "support/redis_server.hpp"
#include "support/wait.hpp"

namespace index_optimizer::testing {
namespace {

// The dev key's SHA-256 (sha256sum of "dev-admin-key").
std::string dev_key_hash();

std::string base_config() {
  return "logging:\n  level: debug\n"
         "optimizer:\n  enabled: false\n";
}

double metric_value(const std::string& text, const std::string& name) {
  std::regex re("(^|\n)" + name + " ([0-9.e+-]+)");
  std::smatch m;
  if (!std::regex_search(text, m, re)) return -1;
  return std::stod(m[2]);
}

TEST(DaemonLifecycle, ServesHealthReadinessAndMetrics) {
  redis_server redis;
  daemon_process d(base_config(), redis.url());
  const auto health = d.get("/healthz");
  EXPECT_EQ(health.status, 200u);
  EXPECT_EQ(parse_json(health.body).at("status"), "ok");

  ASSERT_TRUE(wait_until([&] { return d.get("/readyz").status == 200; })) << d.output();
  const auto ready = parse_json(d.get("/readyz").body);
  EXPECT_EQ(ready.at("status"), "ready");

  const auto metrics = d.get("/metrics");
  EXPECT_EQ(metrics.status, 200u);
  EXPECT_EQ(metrics.header("content-type"), "text/plain; version=0.0.4");
  EXPECT_NE(metrics.body.find("index_optimizer_build_info{version=\""), std::string::npos);
  EXPECT_GT(metric_value(metrics.body, "process_resident_memory_bytes"), 0);
  EXPECT_GT(metric_value(metrics.body, "process_open_fds"), 0);
  EXPECT_GT(metric_value(metrics.body, "process_start_time_seconds"), 1.7e9);
  EXPECT_NE(metrics.body.find("index_optimizer_http_requests_total{"), std::string::npos);
  EXPECT_NE(metrics.body.find("route=\"/readyz\""), std::string::npos);
}

TEST(DaemonLifecycle, MetricsPassPromtoolCheck) {
  if (!std::ifstream("/usr/bin/promtool")) {
    GTEST_SKIP()
        << "promtool not installed (Debian package 'prometheus'; scripts/test installs it)";
  }
  redis_server redis;
  daemon_process d(base_config(), redis.url());
  d.get("/healthz");
  const auto metrics = d.get("/metrics");
  temp_dir dir;
  const auto file = dir.path() / "metrics.txt";
  std::ofstream(file) << metrics.body;
  const std::string command = "/usr/bin/promtool check metrics < " + file.string() + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr)
    out += buf;
  const int status = ::pclose(pipe);
  EXPECT_EQ(status, 0) << out;
}

TEST(DaemonLifecycle, ReadinessFollowsRedis) {
  redis_server redis;
  daemon_process d(base_config(), redis.url());
  ASSERT_TRUE(wait_until([&] { return d.get("/readyz").status == 200; })) << d.output();
  redis.stop();
  ASSERT_TRUE(wait_until([&] { return d.get("/readyz").status == 503; })) << d.output();
  const auto body = parse_json(d.get("/readyz").body);
  EXPECT_EQ(body.at("error").at("type"), "ServiceUnavailableError");
  EXPECT_NE(std::string(body.at("error").at("message").as_string()).find("redis"),
            std::string::npos);
  EXPECT_EQ(d.get("/healthz").status, 200u);  // alive even when not ready
  redis.start();
  EXPECT_TRUE(wait_until([&] { return d.get("/readyz").status == 200; })) << d.output();
}

TEST(DaemonLifecycle, SigtermDrainsInFlightRequestAndExitsZero) {
  redis_server redis;
  daemon_process d(base_config() + "shutdown:\n  drain_timeout: 10s\n", redis.url());
  ASSERT_TRUE(wait_until([&] { return d.get("/readyz").status == 200; })) << d.output();
  // CLIENT PAUSE holds every Redis command, so the /readyz handler's PING stays in flight.
  ASSERT_EQ(redis.cli({"CLIENT", "PAUSE", "1500", "ALL"}), "OK");
  auto in_flight = std::async(std::launch::async, [&] { return d.get("/readyz"); });
  // The scrape counts itself, so 2 means the /readyz request is being handled.
  ASSERT_TRUE(wait_until([&] {
    return metric_value(d.get("/metrics").body, "index_optimizer_http_requests_in_flight") >= 2;
  })) << d.output();
  d.process().send_signal(SIGTERM);
  http_result response;
  try {
    response = in_flight.get();
  } catch (const std::exception& e) {
    FAIL() << e.what() << "\n" << d.output();
  }
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.header("connection"), "close");
  EXPECT_EQ(d.process().wait_for_exit(std::chrono::seconds(15)), 0) << d.output();
}

TEST(DaemonLifecycle, SigintExitsZero) {
  redis_server redis;
  daemon_process d(base_config(), redis.url());
  d.process().send_signal(SIGINT);
  EXPECT_EQ(d.process().wait_for_exit(std::chrono::seconds(15)), 0) << d.output();
}

TEST(DaemonLifecycle, SighupReloadsLogLevelAndKeys) {
  redis_server redis;
  daemon_process d(base_config() + "auth:\n  open_paths: []\n", redis.url());
  EXPECT_EQ(d.get("/metrics").status, 401u);
  std::ofstream(d.config_path()) << "logging:\n  level: info\noptimizer:\n  enabled: false\n"
                                 << "auth:\n  open_paths: []\n  keys:\n"
                                 << "    - name: ops\n      sha256: " << dev_key_hash()
                                 << "\n      permissions: [read]\n";
  d.process().send_signal(SIGHUP);
  EXPECT_TRUE(wait_until([&] {
    return d.get("/metrics", {{"Authorization", "Bearer dev-admin-key"}}).status == 200;
  })) << d.output();
  EXPECT_NE(d.output().find("config reloaded"), std::string::npos);
}

// SIGHUP while requests are in flight: the reload (on the signal thread) replaces what the
// handlers (I/O and worker threads) read at the same time: the API keys, auth.required, the log
// level and format, the optimizer's settings. No request may fail because of it. The TSan build
// (scripts/test --sanitize thread) checks the sharing itself.
TEST(DaemonLifecycle, ReloadsWhileServingRequests) {
  auto config_for = [](int generation) {
    const bool odd = generation % 2 != 0;
    return std::string("logging:\n  level: ") + (odd ? "info" : "debug") +
           "\n  format: " + (odd ? "json" : "logfmt") +
           "\noptimizer:\n  threshold: " + std::to_string(100 + generation) +
           "\nauth:\n  required: " + (odd ? "false" : "true") +
           "\n  open_paths: []\n  keys:\n    - name: ops-" + std::to_string(generation) +
           "\n      sha256: " + dev_key_hash() + "\n      permissions: [read, write, admin]\n";
  };
  redis_server redis;
  daemon_process d(config_for(0), redis.url());
  ASSERT_TRUE(wait_until([&] {
    return d.get("/readyz", {{"Authorization", "Bearer dev-admin-key"}}).status == 200;
  })) << d.output();

  std::atomic<bool> done{false};
  const std::vector<std::string> targets = {"/metrics", "/readyz", "/v1/namespaces",
                                            "/v1/optimizer/runs", "/healthz"};
  auto client = [&](std::size_t first) {
    std::vector<std::string> failures;
    int answered = 0;
    for (std::size_t i = first; !done.load(); ++i) {
      const auto& target = targets[i % targets.size()];
      try {
        const auto r = d.get(target, {{"Authorization", "Bearer dev-admin-key"}});
        if (r.status != 200) failures.push_back(target + ": " + std::to_string(r.status));
      } catch (const std::exception& e) {
        failures.push_back(target + ": " + e.what());
      }
      ++answered;
    }
    return std::make_pair(answered, failures);
  };
  std::vector<std::future<std::pair<int, std::vector<std::string>>>> clients;
  for (std::size_t c = 0; c < 3; ++c)
    clients.push_back(std::async(std::launch::async, client, c));

  auto reloads = [&] {
    const auto out = d.output();
    int n = 0;
    for (auto at = out.find("config reloaded"); at != std::string::npos;
         at = out.find("config reloaded", at + 1))
      ++n;
    return n;
  };
  constexpr int k_reloads = 6;
  for (int generation = 1; generation <= k_reloads; ++generation) {
    std::ofstream(d.config_path()) << config_for(generation);
    d.process().send_signal(SIGHUP);
    EXPECT_TRUE(wait_until([&] { return reloads() >= generation; })) << d.output();
  }
  done.store(true);
  for (auto& c : clients) {
    const auto [answered, failures] = c.get();
    EXPECT_GT(answered, 0);
    EXPECT_TRUE(failures.empty()) << failures.size() << " failed, first: " << failures.front();
  }
  EXPECT_TRUE(d.process().running()) << d.output();
  EXPECT_EQ(d.output().find("config reload failed"), std::string::npos) << d.output();
}

TEST(DaemonLifecycle, BrokenReloadKeepsRunningConfig) {
  redis_server redis;
  daemon_process d(base_config(), redis.url());
  std::ofstream(d.config_path()) << "http:\n  port: [not, a, port]\n";
  d.process().send_signal(SIGHUP);
  EXPECT_TRUE(wait_until([&] {
    return d.output().find("config reload failed") != std::string::npos;
  })) << d.output();
  EXPECT_EQ(d.get("/healthz").status, 200u);
}

// An emptied (or truncated) file on SIGHUP would have removed every API key and answered every
// client 401. Refused like an invalid file: the running keys stay.
TEST(DaemonLifecycle, AReloadThatWouldLeaveNoApiKeysIsRefusedAndTheKeysKeepWorking) {
  redis_server redis;
  daemon_process d(base_config() + "auth:\n  keys:\n    - name: ops\n      sha256: " +
                       dev_key_hash() + "\n      permissions: [read]\n",
                   redis.url());
  const std::map<std::string, std::string> key = {{"Authorization", "Bearer dev-admin-key"}};
  ASSERT_EQ(d.get("/v1/namespaces", key).status, 200u) << d.output();
  std::ofstream(d.config_path()) << "";
  d.process().send_signal(SIGHUP);
  ASSERT_TRUE(wait_until([&] {
    return d.output().find("config reload failed") != std::string::npos;
  })) << d.output();
  const auto out = d.output();
  const auto at = out.find("config reload failed");
  const auto line = out.substr(out.rfind('\n', at) + 1, out.find('\n', at) - out.rfind('\n', at));
  EXPECT_NE(line.find("level=error"), std::string::npos) << line;
  EXPECT_NE(line.find("auth.keys: empty while auth.required is true"), std::string::npos) << line;
  EXPECT_EQ(d.get("/v1/namespaces", key).status, 200u);
}

TEST(DaemonLifecycle, CheckConfigRedactsSecretsAndRejectsBadConfig) {
  temp_dir dir;
  const auto good = dir.path() / "good.yaml";
  std::ofstream(good) << "redis:\n  url: redis://:hunter2secret@127.0.0.1:6379/0\n"
                      << "qdrant:\n  url: http://127.0.0.1:6333\n  api_key: qdrant-secret-key\n";
  child_process ok(INDEX_OPTIMIZER_BINARY, {"--config", good.string(), "--check-config"});
  EXPECT_EQ(ok.wait_for_exit(std::chrono::seconds(10)), 0) << ok.output();
  EXPECT_EQ(ok.output().find("hunter2secret"), std::string::npos) << ok.output();
  EXPECT_EQ(ok.output().find("qdrant-secret-key"), std::string::npos) << ok.output();
  EXPECT_NE(ok.output().find("<redacted>"), std::string::npos) << ok.output();

  const auto bad = dir.path() / "bad.yaml";
  std::ofstream(bad) << "http:\n  prot: 8080\n";
  child_process fail(INDEX_OPTIMIZER_BINARY, {"--config", bad.string(), "--check-config"});
  EXPECT_EQ(fail.wait_for_exit(std::chrono::seconds(10)), 1);
  EXPECT_NE(fail.output().find("http.prot"), std::string::npos) << fail.output();
  EXPECT_NE(fail.output().find("bad.yaml:2:"), std::string::npos) << fail.output();
}

TEST(DaemonLifecycle, VariablesOfNoConfigSectionAreWarnedAboutAtStartupAndByCheckConfig) {
  redis_server redis;
  const std::map<std::string, std::string> env{{"INDEX_OPTIMIZER_HTTPP_PORT", "1"},
                                               {"INDEX_OPTIMIZER_DEMO_URL", "http://demo"}};
  daemon_process d(base_config(), redis.url(), env);
  EXPECT_TRUE(wait_until([&] {
    return d.output().find("INDEX_OPTIMIZER_HTTPP_PORT is ignored") != std::string::npos;
  })) << d.output();
  EXPECT_NE(d.output().find("did you mean INDEX_OPTIMIZER_HTTP_PORT?"), std::string::npos)
      << d.output();
  EXPECT_EQ(d.output().find("INDEX_OPTIMIZER_DEMO_URL"), std::string::npos) << d.output();

  child_process check(INDEX_OPTIMIZER_BINARY,
                      {"--config", d.config_path().string(), "--check-config"}, env);
  EXPECT_EQ(check.wait_for_exit(std::chrono::seconds(10)), 0) << check.output();
  EXPECT_NE(check.output().find("warning: environment variable INDEX_OPTIMIZER_HTTPP_PORT is "
                                "ignored"),
            std::string::npos)
      << check.output();
}

TEST(DaemonLifecycle, TakenPortFailsWithActionableMessage) {
  redis_server redis;
  daemon_process first(base_config(), redis.url());
  child_process second(INDEX_OPTIMIZER_BINARY, {"--config", first.config_path().string()},
                       {{"INDEX_OPTIMIZER_HTTP_PORT", std::to_string(first.port())},
                        {"INDEX_OPTIMIZER_REDIS_URL", redis.url()}});
  EXPECT_EQ(second.wait_for_exit(std::chrono::seconds(15)), 1);
  EXPECT_NE(second.output().find("http.port"), std::string::npos) << second.output();
}

TEST(DaemonLifecycle, VersionAndHelp) {
  child_process version(INDEX_OPTIMIZER_BINARY, {"--version"});
  EXPECT_EQ(version.wait_for_exit(std::chrono::seconds(10)), 0);
  EXPECT_NE(version.output().find("index-optimizer "), std::string::npos);
  child_process help(INDEX_OPTIMIZER_BINARY, {"--help"});
  EXPECT_EQ(help.wait_for_exit(std::chrono::seconds(10)), 0);
  EXPECT_NE(help.output().find("--check-config"), std::string::npos);
  child_process bad(INDEX_OPTIMIZER_BINARY, {"--frobnicate"});
  EXPECT_EQ(bad.wait_for_exit(std::chrono::seconds(10)), 2);
}

std::string dev_key_hash() {
  return "df76ff796f70d2c9cb055ea6280553caa27eda26b70e01082c160de75a05a4a9";
}

}  // namespace
}  // namespace index_optimizer::testing
