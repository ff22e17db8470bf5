// Hostile requests against the real binary: each gets a clear error in Mixpeek's envelope and
// the daemon keeps serving.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/daemon_process.hpp"
#include "support/redis_server.hpp"

namespace index_optimizer::testing {
namespace {

const std::map<std::string, std::string> k_admin = {{"Authorization", "Bearer dev-admin-key"}};

class HostileHttpTest : public ::testing::Test {
 protected:
  HostileHttpTest()
      : daemon_(
            "auth:\n  keys:\n    - name: admin\n"
            "      sha256: df76ff796f70d2c9cb055ea6280553caa27eda26b70e01082c160de75a05a4a9\n"
            "      permissions: [admin]\n"
            "optimizer:\n  enabled: false\n",
            redis_.url()) {
    const auto r =
        daemon_.request("POST", "/v1/namespaces",
                        R"({"namespace_name": "shop", "feature_extractors": []})", k_admin);
    EXPECT_EQ(r.status, 200u) << r.body;
  }
  ~HostileHttpTest() override {
    // Whatever the test sent, the daemon still answers.
    EXPECT_EQ(daemon_.get("/healthz").status, 200u) << daemon_.output();
    EXPECT_EQ(daemon_.output().find("level=error"), std::string::npos) << daemon_.output();
  }

  std::string error_type(const http_result& r) {
    return std::string(parse_json(r.body).at("error").at("type").as_string());
  }

  redis_server redis_;
  daemon_process daemon_;
};

TEST_F(HostileHttpTest, DeeplyNestedJsonIsRejectedAs422) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const auto r = daemon_.request("PATCH", "/v1/namespaces/shop", deep, k_admin);
  EXPECT_EQ(r.status, 422u);
  EXPECT_EQ(parse_json(r.body).at("error").at("details").at("validation_errors").at(0).at("type"),
            "json_invalid");
}

TEST_F(HostileHttpTest, HugeFlatJsonWithinTheBodyLimitIsRejectedAs422) {
  std::string body = "{";
  for (int i = 0; i < 40000; ++i)
    body += "\"k" + std::to_string(i) + "\":1,";
  body.back() = '}';
  // 40000 validation errors take the daemon a while to build under the sanitizers on a loaded
  // machine: wait longer than the client's default 10 s (this test is about the answer, not speed).
  const auto r = http_request("127.0.0.1", daemon_.port(), "PATCH", "/v1/namespaces/shop", body,
                              k_admin, std::chrono::seconds(60));
  EXPECT_EQ(r.status, 422u);  // every key is unknown: extra_forbidden
  EXPECT_EQ(error_type(r), "ValidationError");
}

TEST_F(HostileHttpTest, BodyOverTheLimitIs413) {
  const auto r =
      daemon_.request("PATCH", "/v1/namespaces/shop",
                      "{\"description\": \"" + std::string(2 << 20, 'x') + "\"}", k_admin);
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(error_type(r), "PayloadTooLargeError");
}

TEST_F(HostileHttpTest, InvalidUtf8IsRejectedAs422) {
  const auto r = daemon_.request("PATCH", "/v1/namespaces/shop",
                                 "{\"description\": \"\xff\xfe bad\"}", k_admin);
  EXPECT_EQ(r.status, 422u);
}

TEST_F(HostileHttpTest, OddIdentifiersAreNotFoundNotTraversal) {
  for (const std::string& target : std::vector<std::string>{
           "/v1/namespaces/..%2F..%2Fetc%2Fpasswd", "/v1/namespaces/%00", "/v1/namespaces/%2e%2e",
           "/v1/namespaces/" + std::string(4000, 'a')}) {
    const auto r = daemon_.get(target, k_admin);
    EXPECT_EQ(r.status, 404u) << target;
    EXPECT_EQ(error_type(r), "NotFoundError") << target;
  }
  EXPECT_EQ(daemon_.get("/v1/namespaces/%zz", k_admin).status, 400u);
  // Bytes that are not UTF-8 would be echoed into the JSON answer: a malformed target.
  const auto not_utf8 = daemon_.get("/v1/namespaces/%C3%28", k_admin);
  EXPECT_EQ(not_utf8.status, 400u);
  EXPECT_EQ(error_type(not_utf8), "BadRequestError");
  auto headers = k_admin;
  headers["X-Namespace"] = "ÿþ";
  const auto analytics = daemon_.get("/v1/analytics/indexes/usage", headers);
  EXPECT_EQ(analytics.status, 404u);
  EXPECT_EQ(error_type(analytics), "NotFoundError");  // the answer is still valid JSON
  EXPECT_EQ(daemon_.get("/v1/../healthz", k_admin).status, 404u);
}

TEST_F(HostileHttpTest, HeaderFloodIs431AndTheAnswerArrives) {
  // 2000 headers, far over http.max_header_bytes, sent in one go: the server answers 431 and
  // lingers instead of resetting the connection, so the client reads the answer.
  std::string request = "GET /v1/namespaces/shop HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 2000; ++i)
    request += "X-Flood-" + std::to_string(i) + ": yes\r\n";
  request += "\r\n";
  http_connection c("127.0.0.1", daemon_.port());
  c.send_raw(request);
  const auto r = c.read_response();
  EXPECT_EQ(r.status, 431u);
  EXPECT_EQ(error_type(r), "RequestHeaderFieldsTooLargeError");
}

TEST_F(HostileHttpTest, ManyWrongKeysAreAll401AndTheRightKeyStillWorks) {
  http_connection c("127.0.0.1", daemon_.port());
  for (int i = 0; i < 500; ++i) {
    const auto r = c.request("GET", "/v1/namespaces/shop", {},
                             {{"Authorization", "Bearer sk_guess_" + std::to_string(i)}});
    ASSERT_EQ(r.status, 401u);
  }
  EXPECT_EQ(c.request("GET", "/v1/namespaces/shop", {}, k_admin).status, 200u);
}

TEST_F(HostileHttpTest, GarbageInsteadOfHttpIs400AndClosed) {
  http_connection c("127.0.0.1", daemon_.port());
  c.send_raw("\x16\x03\x01\x02\x00 not http at all\r\n\r\n");
  const auto r = c.read_response();
  EXPECT_EQ(r.status, 400u);
  EXPECT_TRUE(c.closed_by_peer());
}

}  // namespace
}  // namespace index_optimizer::testing
