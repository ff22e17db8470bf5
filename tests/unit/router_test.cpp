#include "http/router.hpp"

#include "text/percent_encoding.hpp"

#include <gtest/gtest.h>

namespace index_optimizer::http {
namespace {

using index_optimizer::percent_decode;
using index_optimizer::percent_encode;

using boost::beast::http::verb;

api_response ok(api_request&) {
  return {};
}

router make_router() {
  router r;
  r.add({verb::get, "/v1/namespaces", permission::read, ok});
  r.add({verb::post, "/v1/namespaces", permission::write, ok});
  r.add({verb::post, "/v1/namespaces/list", permission::read, ok});
  r.add({verb::get, "/v1/namespaces/{namespace_identifier}", permission::read, ok});
  r.add({verb::patch, "/v1/namespaces/{namespace_identifier}", permission::write, ok});
  r.add({verb::get, "/healthz", std::nullopt, ok, execution::inline_io});
  return r;
}

TEST(Router, MatchesLiteralRoute) {
  const auto r = make_router();
  const auto result = r.match(verb::get, "/healthz");
  const auto* m = std::get_if<route_match>(&result);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->matched->path_template, "/healthz");
}

TEST(Router, ExtractsAndDecodesPathParameters) {
  const auto r = make_router();
  const auto result = r.match(verb::patch, "/v1/namespaces/my%20ns?x=1");
  const auto* m = std::get_if<route_match>(&result);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->matched->path_template, "/v1/namespaces/{namespace_identifier}");
  EXPECT_EQ(m->path_params.at("namespace_identifier"), "my ns");
}

TEST(Router, EncodedSlashStaysInsideItsSegment) {
  const auto r = make_router();
  const auto result = r.match(verb::get, "/v1/namespaces/a%2Fb");
  const auto* m = std::get_if<route_match>(&result);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->path_params.at("namespace_identifier"), "a/b");
}

TEST(Router, LiteralSegmentBeatsParameter) {
  const auto r = make_router();
  const auto result = r.match(verb::post, "/v1/namespaces/list");
  const auto* m = std::get_if<route_match>(&result);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->matched->path_template, "/v1/namespaces/list");
}

TEST(Router, UnknownPathIsNotFound) {
  const auto r = make_router();
  EXPECT_TRUE(std::holds_alternative<route_not_found>(r.match(verb::get, "/nope")));
  EXPECT_TRUE(std::holds_alternative<route_not_found>(r.match(verb::get, "/v1/namespaces/a/b")));
  EXPECT_TRUE(std::holds_alternative<route_not_found>(r.match(verb::get, "/v1/namespaces/")));
}

TEST(Router, KnownPathWithOtherMethodIsMethodNotAllowedWithAllowList) {
  const auto r = make_router();
  const auto result = r.match(verb::delete_, "/v1/namespaces/abc");
  const auto* na = std::get_if<route_method_not_allowed>(&result);
  ASSERT_NE(na, nullptr);
  EXPECT_EQ(na->allowed, (std::vector<std::string>{"GET", "PATCH"}));
}

TEST(Router, RejectsDuplicateAndMalformedTemplates) {
  router r;
  r.add({verb::get, "/a/{id}", permission::read, ok});
  EXPECT_THROW(r.add({verb::get, "/a/{id}", permission::read, ok}), std::invalid_argument);
  EXPECT_THROW(r.add({verb::get, "a", permission::read, ok}), std::invalid_argument);
  EXPECT_THROW(r.add({verb::get, "/a/{id", permission::read, ok}), std::invalid_argument);
}

TEST(ParseTarget, DecodesQueryParameters) {
  const auto t = parse_target("/v1/analytics/indexes/usage?period=24h&min_count=1&q=a+b%26c");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->path, "/v1/analytics/indexes/usage");
  EXPECT_EQ(t->query.at("period"), "24h");
  EXPECT_EQ(t->query.at("min_count"), "1");
  EXPECT_EQ(t->query.at("q"), "a b&c");
}

TEST(ParseTarget, RejectsMalformedTargets) {
  EXPECT_FALSE(parse_target("").has_value());
  EXPECT_FALSE(parse_target("http://example.com/").has_value());
  EXPECT_FALSE(parse_target("/a%zz").has_value());
  EXPECT_FALSE(parse_target("/a%2").has_value());
  EXPECT_FALSE(parse_target("/a?x=%").has_value());
}

TEST(PercentEncode, EscapesAllButUnreserved) {
  EXPECT_EQ(percent_encode("a[].b/c d%"), "a%5B%5D.b%2Fc%20d%25");
  EXPECT_EQ(percent_encode("\xc3\xbc"), "%C3%BC");
  EXPECT_EQ(percent_decode(percent_encode("x/y [z]")).value(), "x/y [z]");
}

TEST(PercentDecode, PlusIsSpaceOnlyWhenAsked) {
  EXPECT_EQ(percent_decode("a+b", false).value(), "a+b");
  EXPECT_EQ(percent_decode("a+b", true).value(), "a b");
  EXPECT_EQ(percent_decode("%5Bx%5D", false).value(), "[x]");
}

TEST(RouteEffects, SafeMethodsChangeNothingAndOthersAreAwaitedOnceStartedUnlessTheySayOtherwise) {
  const route get{verb::get, "/x", permission::read, ok};
  const route post{verb::post, "/x", permission::write, ok};
  const route gated{verb::patch,   "/x", permission::write, ok, execution::worker_pool,
                    effects::gated};
  const route read_by_post{verb::post,   "/x/list", permission::read, ok, execution::worker_pool,
                           effects::none};
  EXPECT_EQ(effects_of(get), effects::none);
  EXPECT_EQ(effects_of(post), effects::at_start);
  EXPECT_EQ(effects_of(gated), effects::gated);
  EXPECT_EQ(effects_of(read_by_post), effects::none);
}

}  // namespace
}  // namespace index_optimizer::http
