// Qdrant's payload path grammar (lib/segment/src/json_path/parse.rs in Qdrant 1.19): what it
// parses must pass, what it refuses must be refused here, before a request reaches Qdrant.
#include "namespace_model/qdrant_json_path.hpp"

#include <gtest/gtest.h>

#include <string>

namespace index_optimizer {
namespace {

void expect_refused(std::string_view path, std::size_t at, std::string_view what) {
  const auto problem = check_qdrant_json_path(path);
  ASSERT_TRUE(problem.has_value()) << path;
  EXPECT_EQ(problem->at, at) << path << ": " << problem->what;
  EXPECT_NE(problem->what.find(what), std::string::npos) << path << ": " << problem->what;
}

// Qdrant's own test_parse and test_key_needs_quoting cases.
TEST(QdrantJsonPath, AcceptsQdrantsOwnParserExamples) {
  for (const char* path : {"foo", "foo[1][50].bar-baz[].\"qux[.]quux\"", "f", "foo_123-bar",
                           "\"foo bar\"", "\"foo.bar.baz\"", "\"foo[]\"", "\" foo\""}) {
    EXPECT_EQ(check_qdrant_json_path(path), std::nullopt) << path;
  }
  EXPECT_TRUE(check_qdrant_json_path(""));
}

TEST(QdrantJsonPath, AcceptsKeysIndexesWildcardsAndQuotedKeys) {
  for (const char* path : {"a",
                           "a.b",
                           "a[]",
                           "a[].b",
                           "a[0]",
                           "a[0][12].b-c_d",
                           "metadata.tags[].name",
                           "_internal.x",
                           "\"quoted key\"",
                           "\"a b\".c",
                           "a.\"x/y[z]\"",
                           "\"\"",
                           "a.\"\"",
                           "\"a\".b[]",
                           "a[01]",
                           "a[18446744073709551615]",
                           "2024.q1",
                           "-",
                           "m\xC3\xA9tadonn\xC3\xA9\x65",
                           "\xE6\x95\xB0\xE6\x8D\xAE.\xE5\xAD\x97\xE6\xAE\xB5" /* 数据.字段 */}) {
    const auto problem = check_qdrant_json_path(path);
    EXPECT_EQ(problem, std::nullopt) << path << ": " << (problem ? problem->what : "");
  }
}

TEST(QdrantJsonPath, RefusesWhatQdrantCannotParseNamingCharacterAndPlace) {
  expect_refused("metadata.a/b", 10, "'/' at character 11 is not allowed in an unquoted key");
  expect_refused("a b", 1, "' ' at character 2 is not allowed in an unquoted key");
  expect_refused("a]", 1, "']' at character 2 is not allowed in an unquoted key");
  expect_refused(".a", 0, "'.' at character 1 stands where a key must be");
  expect_refused("[]", 0, "'[' at character 1 stands where a key must be");
  expect_refused("a..b", 2, "'.' at character 3 stands where a key must be");
  expect_refused("a.", 2, "the path ends where a key must follow '.'");
  expect_refused("a[", 2, "the path ends inside '['");
  expect_refused("a[1", 3, "the path ends inside '['");
  expect_refused("a[x]", 2, "'x' at character 3 is not allowed between '[' and ']'");
  expect_refused("a[-1]", 2, "'-' at character 3 is not allowed between '[' and ']'");
  expect_refused("a[ 1]", 2, "' ' at character 3 is not allowed between '[' and ']'");
  expect_refused("a[18446744073709551616]", 2, "larger than 18446744073709551615");
  expect_refused("a.\"b", 2, "the quoted key opened at character 3 has no closing '\"'");
  expect_refused("\"a\\\"b\"", 2, "'\\' at character 3 is not allowed in a quoted key");
  expect_refused("\"a\"b", 3, "'b' at character 4 cannot follow a quoted key");
  expect_refused("a[]b", 3, "'b' at character 4 cannot follow ']'");
  expect_refused("a\x01", 1, "U+0001 at character 2 is not allowed in an unquoted key");
  expect_refused("a\xE2\x82\xAC", 1, "at character 2 is not allowed in an unquoted key");  // €
  expect_refused("a\xF0\x9F\x98\x80", 1, "is not allowed in an unquoted key");             // 😀
  expect_refused("a\xFF", 1, "a byte that is not UTF-8 at character 2 is not allowed");
}

TEST(QdrantJsonPath, PlacesCountCharactersNotBytes) {
  // "métadonnée/x": the '/' is the 11th character and the 13th byte.
  expect_refused("m\xC3\xA9tadonn\xC3\xA9\x65/x", 10, "'/' at character 11");
}

}  // namespace
}  // namespace index_optimizer
