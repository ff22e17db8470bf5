// Qdrant's answers as the client reads them: envelopes, error texts and result shapes, including
// the malformed ones a proxy or a different server could send.
#include "qdrant_client/qdrant_response.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <string>

namespace index_optimizer::qdrant {
namespace {

namespace json = boost::json;
using kind = qdrant_error::kind;

TEST(QdrantResponseTest, SuccessEnvelopeYieldsItsResult) {
  const auto result = parse_envelope(200, R"({"result": {"operation_id": 7, "status": "completed"},
                              "status": "ok", "time": 0.002})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value(), json::parse(R"({"operation_id": 7, "status": "completed"})"));
}

TEST(QdrantResponseTest, ErrorEnvelopeGivesQdrantsOwnText) {
  const auto result = parse_envelope(
      404, R"({"status": {"error": "Not found: Collection `x` doesn't exist!"}, "time": 0.0001})");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().what, kind::http_status);
  EXPECT_EQ(result.error().status, 404u);
  EXPECT_EQ(result.error().message, "Not found: Collection `x` doesn't exist!");
}

TEST(QdrantResponseTest, PlainTextErrorBodiesAreTheMessage) {
  // Qdrant's 401/403 answers are plain text, not an envelope.
  const auto error = http_status_error(401, "Invalid API key or JWT\n");
  EXPECT_EQ(error.what, kind::http_status);
  EXPECT_EQ(error.status, 401u);
  EXPECT_EQ(error.message, "Invalid API key or JWT");
}

TEST(QdrantResponseTest, EmptyErrorBodyIsDescribedByStatus) {
  EXPECT_EQ(error_message(404, ""), "HTTP 404 Not Found");
  EXPECT_EQ(error_message(503, "  \r\n"), "HTTP 503 Service Unavailable");
}

TEST(QdrantResponseTest, JsonErrorWithoutEnvelopeIsShownAsText) {
  EXPECT_EQ(error_message(502, R"({"message": "bad gateway"})"), R"({"message": "bad gateway"})");
  EXPECT_EQ(error_message(500, R"({"status": "oops"})"), R"({"status": "oops"})");
}

TEST(QdrantResponseTest, LongErrorBodiesAreCutAtACharacterBoundary) {
  std::string body(max_error_message_bytes - 1, 'x');
  body += "\xC3\xBC";  // ü straddles the limit
  body += std::string(100, 'y');
  const auto message = error_message(502, body);
  EXPECT_EQ(message, std::string(max_error_message_bytes - 1, 'x') + "...");
}

TEST(QdrantResponseTest, SuccessWithoutEnvelopeIsInvalid) {
  for (const std::string body :
       {"", "not json", "[1]", R"({"result": 1})", R"({"result": 1, "status": "error"})",
        R"({"status": "ok", "time": 1})", R"({"status": {"error": "x"}, "result": 1})"}) {
    const auto result = parse_envelope(200, body);
    ASSERT_FALSE(result.ok()) << body;
    EXPECT_EQ(result.error().what, kind::invalid_response) << body;
    EXPECT_EQ(result.error().status, 0u) << body;
  }
}

TEST(QdrantResponseTest, VersionInfoHasNoEnvelope) {
  const auto info = parse_version_info(
      200, R"({"title": "qdrant - vector search engine", "version": "1.19.0", "commit": "abc"})");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info.value().title, "qdrant - vector search engine");
  EXPECT_EQ(info.value().version, "1.19.0");
  EXPECT_EQ(info.value().commit, "abc");

  const auto without_commit = parse_version_info(200, R"({"title": "t", "version": "1.9.0"})");
  ASSERT_TRUE(without_commit.ok());
  EXPECT_EQ(without_commit.value().commit, "");

  EXPECT_EQ(parse_version_info(200, R"({"title": "t"})").error().what, kind::invalid_response);
  EXPECT_EQ(parse_version_info(200, "<html>").error().what, kind::invalid_response);
  EXPECT_EQ(parse_version_info(502, "Bad Gateway").error().status, 502u);
}

TEST(QdrantResponseTest, CollectionInfoReadsStatusPointsAndSchema) {
  const auto info = parse_collection_info(json::parse(R"({
      "status": "yellow", "optimizer_status": "ok", "points_count": 1200, "segments_count": 2,
      "payload_schema": {"city": {"data_type": "keyword", "points": 1100},
                         "tenant": {"data_type": "keyword", "params": {"type": "keyword",
                                    "is_tenant": true}, "points": 1200}},
      "config": {}})"));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info.value().status, "yellow");
  EXPECT_EQ(info.value().points_count, 1200u);
  ASSERT_EQ(info.value().payload_schema.size(), 2u);
  EXPECT_EQ(info.value().payload_schema.at("tenant").at("params").at("is_tenant"), true);
}

TEST(QdrantResponseTest, CollectionInfoToleratesNullPointsAndMissingSchema) {
  const auto info =
      parse_collection_info(json::parse(R"({"status": "green", "points_count": null})"));
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info.value().points_count.has_value());
  EXPECT_TRUE(info.value().payload_schema.empty());
}

TEST(QdrantResponseTest, MalformedCollectionInfoIsInvalid) {
  for (const std::string body :
       {R"([])", R"({"points_count": 1})", R"({"status": "green", "points_count": -1})",
        R"({"status": "green", "points_count": 1.5})",
        R"({"status": "green", "points_count": "1"})",
        R"({"status": "green", "payload_schema": []})"}) {
    const auto info = parse_collection_info(json::parse(body));
    ASSERT_FALSE(info.ok()) << body;
    EXPECT_EQ(info.error().what, kind::invalid_response) << body;
  }
}

TEST(QdrantResponseTest, UpdateResultReadsOperationAndStatus) {
  const auto update =
      parse_update_result(json::parse(R"({"operation_id": 42, "status": "wait_timeout"})"));
  ASSERT_TRUE(update.ok());
  EXPECT_EQ(update.value().operation_id, 42u);
  EXPECT_EQ(update.value().status, "wait_timeout");

  const auto null_id =
      parse_update_result(json::parse(R"({"operation_id": null, "status": "acknowledged"})"));
  ASSERT_TRUE(null_id.ok());
  EXPECT_EQ(null_id.value().operation_id, 0u);

  EXPECT_EQ(parse_update_result(json::parse(R"({"operation_id": 1})")).error().what,
            kind::invalid_response);
  EXPECT_EQ(parse_update_result(json::parse(R"({"operation_id": -3, "status": "completed"})"))
                .error()
                .what,
            kind::invalid_response);
  EXPECT_EQ(parse_update_result(json::parse("true")).error().what, kind::invalid_response);
}

}  // namespace
}  // namespace index_optimizer::qdrant
