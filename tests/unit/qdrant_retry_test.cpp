// Which failed Qdrant calls the client retries, how long it waits, and the metric outcome labels.
#include "qdrant_client/qdrant_retry.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "config/config.hpp"
#include "qdrant_client/qdrant_client.hpp"

namespace index_optimizer::qdrant {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using kind = qdrant_error::kind;

qdrant_error status_error(unsigned status) {
  return {kind::http_status, status, "x"};
}

TEST(QdrantRetryTest, TransientFailuresAreRetried) {
  for (const auto op : {operation::server_version, operation::collection_info,
                        operation::create_index, operation::delete_index}) {
    EXPECT_TRUE(should_retry(op, {kind::unreachable, 0, "x"})) << to_string(op);
    for (const unsigned status : {408u, 429u, 500u, 502u, 503u, 504u, 507u}) {
      EXPECT_TRUE(should_retry(op, status_error(status))) << to_string(op) << " " << status;
    }
  }
}

TEST(QdrantRetryTest, ClientErrorsTlsAndInvalidAnswersAreFinal) {
  for (const unsigned status : {400u, 401u, 403u, 404u, 409u, 413u, 422u}) {
    EXPECT_FALSE(should_retry(operation::create_index, status_error(status))) << status;
  }
  EXPECT_FALSE(should_retry(operation::collection_info, {kind::tls, 0, "x"}));
  EXPECT_FALSE(should_retry(operation::collection_info, {kind::invalid_response, 0, "x"}));
}

TEST(QdrantRetryTest, OnlyCreateIndexTimeoutsAreFinal) {
  const qdrant_error timeout{kind::timeout, 0, "x"};
  EXPECT_FALSE(should_retry(operation::create_index, timeout));
  EXPECT_TRUE(should_retry(operation::delete_index, timeout));
  EXPECT_TRUE(should_retry(operation::collection_info, timeout));
  EXPECT_TRUE(should_retry(operation::server_version, timeout));
}

TEST(QdrantRetryTest, RetryAfterIsDeltaSeconds) {
  EXPECT_EQ(parse_retry_after("1"), seconds(1));
  EXPECT_EQ(parse_retry_after(" 120 "), seconds(120));
  EXPECT_EQ(parse_retry_after("0"), seconds(0));
  EXPECT_FALSE(parse_retry_after("").has_value());
  EXPECT_FALSE(parse_retry_after("-1").has_value());
  EXPECT_FALSE(parse_retry_after("1.5").has_value());
  EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT").has_value());
  EXPECT_GT(parse_retry_after("99999999999999999999999"), seconds(3600));
}

TEST(QdrantRetryTest, DelayIsBackoffOrRetryAfterWhicheverIsLonger) {
  retry_policy policy;
  policy.backoff = {milliseconds(100), milliseconds(1000), 2.0, 0.0};
  policy.max_retry_after = seconds(30);
  EXPECT_EQ(retry_delay(policy, 1, std::nullopt, 0.3), milliseconds(100));
  EXPECT_EQ(retry_delay(policy, 3, std::nullopt, 0.3), milliseconds(400));
  EXPECT_EQ(retry_delay(policy, 9, std::nullopt, 0.3), milliseconds(1000));
  EXPECT_EQ(retry_delay(policy, 1, seconds(2), 0.3), milliseconds(2000));
  EXPECT_EQ(retry_delay(policy, 4, seconds(0), 0.3), milliseconds(800));
}

TEST(QdrantRetryTest, RetryAfterIsCapped) {
  retry_policy policy;
  policy.backoff = {milliseconds(100), milliseconds(1000), 2.0, 0.0};
  policy.max_retry_after = seconds(5);
  EXPECT_EQ(retry_delay(policy, 1, seconds(3600), 0.0), seconds(5));
}

TEST(QdrantRetryTest, JitterOnlyShortensTheBackoff) {
  retry_policy policy;
  policy.backoff = {milliseconds(1000), milliseconds(10000), 2.0, 0.5};
  EXPECT_EQ(retry_delay(policy, 1, std::nullopt, 0.0), milliseconds(1000));
  for (const double random : {0.25, 0.5, 0.999}) {
    const auto delay = retry_delay(policy, 1, std::nullopt, random);
    EXPECT_GE(delay, milliseconds(500)) << random;
    EXPECT_LT(delay, milliseconds(1000)) << random;
  }
}

TEST(QdrantRetryTest, OutcomeLabelsAreBounded) {
  EXPECT_EQ(outcome_label(nullptr), "ok");
  const qdrant_error not_found = status_error(404);
  const qdrant_error unavailable = status_error(503);
  const qdrant_error timeout{kind::timeout, 0, "a collection name"};
  const qdrant_error tls{kind::tls, 0, "x"};
  EXPECT_EQ(outcome_label(&not_found), "client_error");
  EXPECT_EQ(outcome_label(&unavailable), "server_error");
  EXPECT_EQ(outcome_label(&timeout), "timeout");
  EXPECT_EQ(outcome_label(&tls), "tls");
}

// A call no attempt of which reached Qdrant says so: the one outcome known to change nothing.
TEST(QdrantRetryTest, ACallThatNeverReachedQdrantIsLabelledNotSent) {
  qdrant_error refused{kind::unreachable, 0, "cannot connect to Qdrant at 127.0.0.1:1"};
  refused.request_sent = false;
  qdrant_error connect_timeout{kind::timeout, 0, "connecting took longer than 1000 ms"};
  connect_timeout.request_sent = false;
  const qdrant_error broken{kind::unreachable, 0, "connection failed before a complete answer"};
  EXPECT_EQ(outcome_label(&refused), "not_sent");
  EXPECT_EQ(outcome_label(&connect_timeout), "not_sent");
  EXPECT_EQ(outcome_label(&broken), "unreachable");
  EXPECT_EQ(describe(refused), "not sent: cannot connect to Qdrant at 127.0.0.1:1");
  EXPECT_EQ(describe(broken), "connection failed before a complete answer");
  EXPECT_EQ(describe(status_error(503)).rfind("HTTP 503", 0), 0u);
}

TEST(QdrantRetryTest, CallsRefusedBeforeSendingAreNeitherRetriedNorSent) {
  qdrant_error open{kind::circuit_open, 0, "not sent: the circuit breaker is open"};
  open.request_sent = false;
  EXPECT_FALSE(open.transient());
  EXPECT_TRUE(open.not_admitted());
  EXPECT_FALSE(should_retry(operation::collection_info, open));
  EXPECT_EQ(describe(open), "not sent: the circuit breaker is open");  // said once
  EXPECT_EQ(to_string(kind::circuit_open), "circuit_open");
  EXPECT_EQ(to_string(kind::concurrency_limit), "concurrency_limit");
}

TEST(QdrantRetryTest, OperationNames) {
  EXPECT_EQ(to_string(operation::server_version), "server_version");
  EXPECT_EQ(to_string(operation::collection_info), "collection_info");
  EXPECT_EQ(to_string(operation::create_index), "create_index");
  EXPECT_EQ(to_string(operation::delete_index), "delete_index");
  EXPECT_EQ(to_string(kind::invalid_response), "invalid_response");
}

TEST(QdrantGatewayFactoryTest, NoUrlMeansCatalogOnlyMode) {
  qdrant_config config;
  EXPECT_EQ(make_qdrant_gateway(config, nullptr), nullptr);
}

TEST(QdrantGatewayFactoryTest, UrlGivesARestClientWithoutConnecting) {
  qdrant_config config;
  config.url = "http://127.0.0.1:1";  // nothing listens; constructing must not connect
  const auto gateway = make_qdrant_gateway(config, nullptr);
  ASSERT_NE(gateway, nullptr);
  const auto* client = dynamic_cast<const qdrant_client*>(gateway.get());
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->endpoint(), (qdrant_endpoint{"http", "127.0.0.1", 1}));
}

TEST(QdrantGatewayFactoryTest, StartupErrorsThrow) {
  qdrant_config bad_url;
  bad_url.url = "ftp://qdrant";
  EXPECT_THROW(make_qdrant_gateway(bad_url, nullptr), std::invalid_argument);

  qdrant_config missing_ca;
  missing_ca.url = "https://qdrant.example";
  missing_ca.ca_file = "/nonexistent/ca.pem";
  try {
    make_qdrant_gateway(missing_ca, nullptr);
    FAIL() << "an unreadable ca_file must fail at startup";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("qdrant.ca_file"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace index_optimizer::qdrant
