#include "http/api_message.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace index_optimizer::http {
namespace {

TEST(ErrorEnvelope, MatchesMixpeekShape) {
  boost::json::object details;
  details["resource"] = "namespace";
  details["id"] = "ns_123";
  const auto r = error_response(404, "Namespace not found", details);
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.content_type, "application/json");
  const auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("success"), false);
  EXPECT_EQ(body.at("status"), 404);
  const auto& error = body.at("error").as_object();
  EXPECT_EQ(error.at("message"), "Namespace not found");
  EXPECT_EQ(error.at("type"), "NotFoundError");
  EXPECT_EQ(error.at("details").at("id"), "ns_123");
  EXPECT_EQ(body.size(), 3u);
  EXPECT_EQ(error.size(), 3u);
}

TEST(ErrorEnvelope, UsesMixpeekTypeNames) {
  EXPECT_EQ(error_type_for_status(400), "BadRequestError");
  EXPECT_EQ(error_type_for_status(401), "UnauthorizedError");
  EXPECT_EQ(error_type_for_status(403), "ForbiddenError");
  EXPECT_EQ(error_type_for_status(404), "NotFoundError");
  EXPECT_EQ(error_type_for_status(409), "AlreadyExistsError");
  EXPECT_EQ(error_type_for_status(422), "ValidationError");
  EXPECT_EQ(error_type_for_status(429), "TooManyRequestsError");
  EXPECT_EQ(error_type_for_status(500), "InternalServerError");
  EXPECT_EQ(error_type_for_status(412), "PreconditionFailedError");
  EXPECT_EQ(error_type_for_status(413), "PayloadTooLargeError");
  EXPECT_EQ(error_type_for_status(502), "BadGatewayError");
  EXPECT_EQ(error_type_for_status(503), "ServiceUnavailableError");
}

TEST(ErrorEnvelope, DetailsDefaultToEmptyObject) {
  const auto body = boost::json::parse(error_response(500, "boom").body).as_object();
  EXPECT_TRUE(body.at("error").at("details").as_object().empty());
}

TEST(ApiRequest, HeaderLookupIsCaseInsensitive) {
  api_request req;
  req.raw.set("X-Namespace", "ns_1");
  EXPECT_EQ(req.header("x-namespace").value(), "ns_1");
  EXPECT_FALSE(req.header("If-Match").has_value());
}

TEST(RetryAfter, EveryServiceUnavailableAnswerGetsOneUnlessItHasItsOwn) {
  auto plain = error_response(503, "busy");
  ensure_retry_after(plain);
  ASSERT_EQ(plain.headers.size(), 1u);
  EXPECT_EQ(plain.headers[0], (std::pair<std::string, std::string>{"Retry-After", "1"}));

  auto own = with_retry_after(error_response(503, "open"), std::chrono::seconds(27));
  ensure_retry_after(own);
  ASSERT_EQ(own.headers.size(), 1u);
  EXPECT_EQ(own.headers[0].second, "27");

  auto other = error_response(502, "bad gateway");
  ensure_retry_after(other);
  EXPECT_TRUE(other.headers.empty());
}

TEST(RetryAfter, ReplacesAnEarlierValueAndNeverSaysZero) {
  auto r = error_response(503, "x");
  r.headers.emplace_back("retry-after", "5");
  r = with_retry_after(std::move(r), std::chrono::seconds(0));
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].second, "1");
}

TEST(RequestTimeoutResponse, SaysNothingWasChangedAndWhenToRetry) {
  const auto r = request_timeout_response(std::chrono::milliseconds(2000));
  EXPECT_EQ(r.status, 503u);
  const auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("error").at("type"), "ServiceUnavailableError");
  EXPECT_EQ(body.at("error").at("details").at("reason"), "request_timeout");
  EXPECT_NE(r.body.find("nothing was changed"), std::string::npos) << r.body;
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Retry-After");
}

}  // namespace
}  // namespace index_optimizer::http
