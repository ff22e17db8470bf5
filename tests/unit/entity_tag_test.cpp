#include "namespace_api/entity_tag.hpp"

#include <gtest/gtest.h>

namespace index_optimizer {
namespace {

std::vector<std::int64_t> versions(std::string_view header) {
  const auto parsed = parse_if_match(header);
  EXPECT_TRUE(parsed.has_value()) << header;
  if (!parsed) return {};
  const auto* list = std::get_if<if_match_list>(&*parsed);
  EXPECT_NE(list, nullptr) << header;
  return list != nullptr ? list->versions : std::vector<std::int64_t>{};
}

TEST(EntityTag, IsTheVersionAsAStrongTag) {
  EXPECT_EQ(entity_tag(7), "\"7\"");
}

TEST(EntityTag, IfMatchParsesAStarAndListsOfStrongTags) {
  const auto any = parse_if_match(" * ");
  ASSERT_TRUE(any);
  EXPECT_TRUE(std::holds_alternative<if_match_any>(*any));
  EXPECT_EQ(versions("\"3\""), std::vector<std::int64_t>{3});
  EXPECT_EQ(versions("\"3\", \"12\" ,\"4\""), (std::vector<std::int64_t>{3, 12, 4}));
  // Tags we never issued and weak tags parse, but name no version.
  EXPECT_TRUE(versions("\"abc\"").empty());
  EXPECT_TRUE(versions("W/\"3\"").empty());
  EXPECT_TRUE(versions("\"-1\"").empty());
}

TEST(EntityTag, MalformedIfMatchIsRejected) {
  for (const auto* bad : {"", "3", "\"3", "3\"", "\"a b\"", "\"3\" \"4\"", ",", "W/3", "**"}) {
    EXPECT_FALSE(parse_if_match(bad).has_value()) << bad;
  }
}

TEST(EntityTag, MatchesComparesVersionsStrongly) {
  EXPECT_TRUE(matches(if_match_any{}, 9));
  EXPECT_TRUE(matches(*parse_if_match("\"1\", \"9\""), 9));
  EXPECT_FALSE(matches(*parse_if_match("\"1\""), 9));
  EXPECT_FALSE(matches(*parse_if_match("W/\"9\""), 9));
}

}  // namespace
}  // namespace index_optimizer
