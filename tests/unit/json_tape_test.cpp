// The decoder's JSON tree against boost::json::parse: the same tree (kinds, numbers, strings,
// member order, duplicate keys) and the same errors, for hand-picked and generated documents.
#include "filter_decoder/json_tape.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace index_optimizer::json_tape {
namespace {

boost::json::parse_options options(std::size_t depth = 32) {
  boost::json::parse_options opts;
  opts.max_depth = depth;
  return opts;
}

boost::json::value to_boost(const value& v) {
  switch (v.kind()) {
    case kind::null:
      return nullptr;
    case kind::bool_:
      return v.get_bool();
    case kind::int64:
      return v.get_int64();
    case kind::uint64:
      return v.get_uint64();
    case kind::double_:
      return v.get_double();
    case kind::string:
      return boost::json::string(v.get_string());
    case kind::array: {
      boost::json::array out;
      for (const value& item : v.get_array())
        out.push_back(to_boost(item));
      return out;
    }
    case kind::object: {
      boost::json::object out;
      for (const auto& [key, item] : v.get_object())
        out.emplace(key, to_boost(item));
      return out;
    }
  }
  return nullptr;
}

// Same tree, and the same member order (boost::json::value's == ignores the order).
void expect_same(const std::string& text, std::size_t depth = 32) {
  document doc(options(depth));
  boost::system::error_code tape_error;
  const value* root = doc.parse(text, tape_error);
  boost::system::error_code boost_error;
  boost::json::parser reference(boost::json::storage_ptr(), options(depth));
  reference.write(text.data(), text.size(), boost_error);
  ASSERT_EQ(tape_error, boost_error) << text;
  if (boost_error) {
    EXPECT_EQ(root, nullptr);
    return;
  }
  ASSERT_NE(root, nullptr) << text;
  const boost::json::value expected = reference.release();
  EXPECT_EQ(boost::json::serialize(to_boost(*root)), boost::json::serialize(expected)) << text;
}

TEST(JsonTape, MatchesBoostForEveryKind) {
  for (const std::string text :
       {R"(null)",
        R"(true)",
        R"(false)",
        R"(0)",
        R"(-12)",
        R"(9223372036854775807)",
        R"(-9223372036854775808)",
        R"(18446744073709551615)",
        R"(18446744073709551616)",
        R"(1.5)",
        R"(-0.0)",
        R"(1e300)",
        R"(2.5E-3)",
        R"("")",
        R"("plain")",
        R"([])",
        R"({})",
        R"([1, "two", [3, [4]], {"five": 5}, null, true])",
        R"({"must": [{"key": "a", "match": {"value": "x"}}], "should": {"key": "b"}})",
        R"(  {"a" : 1 , "b":[ ] }  )"}) {
    expect_same(text);
  }
}

TEST(JsonTape, UnescapesStringsAndKeysLikeBoost) {
  for (const std::string text :
       {R"("tab\there")", R"("quote\" backslash\\ slash\/")", R"("\u00e9t\u00e9 \ud83d\ude00")",
        R"({"k\u0065y": "v\nw"})", R"(["\u0000", "a\u0001b"])", "\"caf\xc3\xa9\"",
        R"({"a\"b": {"c\\d": ["\r\n"]}})"}) {
    expect_same(text);
  }
  // A long escaped string, delivered by the parser in several pieces.
  std::string long_text = "\"";
  for (int i = 0; i < 3000; ++i)
    long_text += i % 7 == 0 ? "\\u00e9" : "ab\\n";
  long_text += "\"";
  expect_same(long_text);
  expect_same("{\"" + long_text.substr(1, long_text.size() - 2) + "\": " + long_text + "}");
}

TEST(JsonTape, ADuplicateKeyKeepsItsFirstPlaceAndTakesTheLastValue) {
  expect_same(R"({"a": 1, "b": 2, "a": 3})");
  expect_same(R"({"a": {"x": 1}, "a": [2], "c": 3, "a": "last"})");
  document doc(options());
  boost::system::error_code error;
  const value* root = doc.parse(R"({"a": 1, "b": 2, "a": 3})", error);
  ASSERT_NE(root, nullptr);
  const object& members = root->get_object();
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members.begin()->key(), "a");
  EXPECT_EQ(members.begin()->value().get_int64(), 3);
  EXPECT_EQ(members.at("b").get_int64(), 2);
  EXPECT_EQ(members.if_contains("c"), nullptr);
  EXPECT_THROW((void)members.at("c"), std::out_of_range);
  // Past 16 members the duplicates are found through a table: the same rule.
  std::string many = "{";
  for (int i = 0; i < 40; ++i)
    many += "\"k" + std::to_string(i % 25) + "\": " + std::to_string(i) + ",";
  many.back() = '}';
  expect_same(many);
}

TEST(JsonTape, RejectsWhatBoostRejectsWithTheSameError) {
  for (const std::string text : {"",
                                 "   ",
                                 "{",
                                 R"({"a": 1)",
                                 R"([1, 2)",
                                 R"({"a" 1})",
                                 R"({"a": 1,})",
                                 "[1,]",
                                 R"({"a": 1} x)",
                                 R"({"a": 1}{"b": 2})",
                                 "nul",
                                 "tru",
                                 R"("unterminated)",
                                 R"("bad \q")",
                                 R"("\ud800")",
                                 "\"\xff\"",
                                 "01",
                                 "1.",
                                 "-",
                                 "[[[[[[[[[[]]]]]]]]]]",
                                 "// comment\n1"}) {
    expect_same(text, 8);
  }
}

TEST(JsonTape, ADocumentIsReusedAndEachParseStandsAlone) {
  document doc(options());
  boost::system::error_code error;
  const std::string first = R"({"first": [1, 2, 3], "s": "one"})";
  const value* root = doc.parse(first, error);
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->get_object().at("first").get_array().size(), 3u);
  EXPECT_EQ(doc.parse("{", error), nullptr);
  EXPECT_TRUE(error);
  const std::string second = R"(["x", {"y": null}])";
  root = doc.parse(second, error);
  ASSERT_NE(root, nullptr);
  EXPECT_FALSE(error);
  ASSERT_TRUE(root->is_array());
  EXPECT_EQ(root->get_array()[0].get_string(), "x");
  EXPECT_TRUE(root->get_array()[1].get_object().at("y").is_null());
}

// Random documents: nested objects and arrays, escaped and plain strings, every number kind,
// duplicate keys; serialized by Boost, read back by both.
boost::json::value random_value(std::mt19937_64& random, int depth) {
  const auto pick = random() % (depth > 4 ? 6 : 8);
  auto text = [&] {
    static const char* const k_pieces[] = {"a", "key", "\xc3\xa9", "\n", "\"", "\\", "x y", ""};
    std::string out;
    for (auto n = random() % 4; n > 0; --n)
      out += k_pieces[random() % 8];
    return out;
  };
  switch (pick) {
    case 0:
      return nullptr;
    case 1:
      return random() % 2 == 0;
    case 2:
      return static_cast<std::int64_t>(random()) >> (random() % 64);
    case 3:
      return random();
    case 4:
      return static_cast<double>(static_cast<std::int64_t>(random() % 2000000) - 1000000) / 64.0;
    case 5:
      return boost::json::string(text());
    case 6: {
      boost::json::array out;
      for (auto n = random() % 5; n > 0; --n)
        out.push_back(random_value(random, depth + 1));
      return out;
    }
    default: {
      boost::json::object out;
      for (auto n = random() % 5; n > 0; --n)
        out[text()] = random_value(random, depth + 1);
      return out;
    }
  }
}

TEST(JsonTape, MatchesBoostOnGeneratedDocuments) {
  std::mt19937_64 random(7);
  for (int i = 0; i < 500; ++i) {
    std::string text = boost::json::serialize(random_value(random, 0));
    // Sometimes a duplicate key, or a cut that makes it invalid.
    if (i % 5 == 0 && text.size() > 2 && text.front() == '{' && text != "{}") {
      text = "{\"a\": 1, " + text.substr(1, text.size() - 2) + ", \"a\": [2]}";
    }
    if (i % 11 == 0) text.resize(text.size() / 2);
    expect_same(text);
  }
}

}  // namespace
}  // namespace index_optimizer::json_tape
