// scripts/container-healthcheck, the container image's HEALTHCHECK, against the real daemon: it
// passes while /healthz answers 200 and fails (quickly) on anything else.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/daemon_process.hpp"
#include "support/process.hpp"
#include "support/redis_server.hpp"
#include "support/silent_listener.hpp"

namespace index_optimizer::testing {
namespace {

constexpr const char* k_script = INDEX_OPTIMIZER_SOURCE_DIR "/scripts/container-healthcheck";

struct probe_result {
  std::optional<int> exit_code;
  std::chrono::milliseconds took;
  std::string output;
};

probe_result probe(unsigned short port, std::map<std::string, std::string> env = {}) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> args;
  if (port != 0) args.push_back(std::to_string(port));
  child_process p(k_script, args, env);
  // The script bounds its own wait at 3 s; allow generous slack for a loaded machine.
  const auto code = p.wait_for_exit(std::chrono::seconds(20));
  return {code,
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                start),
          p.output()};
}

TEST(ContainerHealthcheck, PassesWhileTheDaemonServesHealthz) {
  redis_server redis;
  daemon_process d("", redis.url());
  const auto r = probe(d.port());
  EXPECT_EQ(r.exit_code, 0) << r.output << "\ndaemon:\n" << d.output();
}

TEST(ContainerHealthcheck, TakesThePortFromTheDaemonsEnvironmentVariable) {
  redis_server redis;
  daemon_process d("", redis.url());
  // The image's HEALTHCHECK passes no argument: the container's INDEX_OPTIMIZER_HTTP_PORT decides.
  const auto r = probe(0, {{"INDEX_OPTIMIZER_HTTP_PORT", std::to_string(d.port())}});
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(ContainerHealthcheck, FailsWhenNothingListens) {
  const auto r = probe(pick_free_port());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("nothing accepts connections"), std::string::npos) << r.output;
}

TEST(ContainerHealthcheck, FailsWithinItsTimeoutWhenTheServerHangs) {
  silent_listener hung;
  const auto r = probe(hung.port());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_LT(r.took, std::chrono::seconds(10));
  EXPECT_NE(r.output.find("nothing within 3s"), std::string::npos) << r.output;
}

TEST(ContainerHealthcheck, FailsWhenHealthzNeedsAKey) {
  redis_server redis;
  daemon_process d("auth:\n  open_paths: [\"/metrics\"]\n", redis.url());
  const auto r = probe(d.port());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(" 401 "), std::string::npos) << r.output;
}

}  // namespace
}  // namespace index_optimizer::testing
