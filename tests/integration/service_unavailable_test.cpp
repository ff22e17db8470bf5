// Every 503 the daemon answers says when to retry (Retry-After), whichever component produced it.
// Walks the 503 paths a lost Redis triggers through the real binary; the request-timeout,
// bulkhead and circuit-breaker 503s are walked in http_request_deadline_test.cpp and
// qdrant_isolation_test.cpp, the connection-limit one in http_server_test.cpp.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/daemon_process.hpp"
#include "support/redis_server.hpp"

namespace index_optimizer::testing {
namespace {

const auto& k_admin = k_dev_admin_headers;

TEST(ServiceUnavailable, EveryAnswerOfALostRedisSaysWhenToRetry) {
  redis_server redis;
  daemon_process daemon(std::string(k_dev_admin_auth_yaml) +
                            "redis:\n  connect_timeout: 500ms\n  command_timeout: 1s\n",
                        redis.url());
  const auto created = daemon.request(
      "POST", "/v1/namespaces", R"({"namespace_name": "shop", "feature_extractors": []})", k_admin);
  ASSERT_EQ(created.status, 200u) << created.body;
  redis.stop();

  auto usage = k_admin;
  usage["X-Namespace"] = "shop";
  struct probe {
    std::string method;
    std::string target;
    std::string body;
    std::map<std::string, std::string> headers;
  };
  const std::vector<probe> probes{
      {"GET", "/readyz", "", {}},
      {"GET", "/v1/namespaces/shop", "", k_admin},
      {"PATCH", "/v1/namespaces/shop", R"({"description": "x"})", k_admin},
      {"GET", "/v1/namespaces", "", k_admin},
      {"GET", "/v1/analytics/indexes/usage", "", usage},
      {"GET", "/v1/optimizer/runs", "", k_admin},
      {"POST", "/v1/optimizer/runs", "{}", k_admin},
  };
  for (const auto& p : probes) {
    const auto r = daemon.request(p.method, p.target, p.body, p.headers);
    EXPECT_EQ(r.status, 503u) << p.method << " " << p.target << ": " << r.body;
    EXPECT_EQ(r.header("retry-after"), "1") << p.method << " " << p.target;
  }
}

}  // namespace
}  // namespace index_optimizer::testing
