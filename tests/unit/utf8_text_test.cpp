#include "text/utf8_text.hpp"

#include <gtest/gtest.h>

#include <string_view>
#include <utility>

namespace index_optimizer {
namespace {

TEST(Utf8Text, AcceptsValidText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
}

TEST(Utf8Text, RejectsInvalidSequences) {
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("\xC3\x28"));          // bad continuation
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
}

TEST(Utf8Text, ReplacesInvalidBytes) {
  EXPECT_EQ(to_valid_utf8("a\xFF"
                          "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(to_valid_utf8("caf\xC3\xA9"), "caf\xC3\xA9");
}

TEST(Utf8Text, DecodesOneCodePointAndItsLength) {
  const std::string_view text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // a é € 😀
  const auto at = [&](std::size_t i) {
    const auto point = decode_utf8(text, i);
    return point ? std::pair{point->value, point->length} : std::pair{char32_t{0}, std::size_t{0}};
  };
  EXPECT_EQ(at(0), std::pair(U'a', std::size_t{1}));
  EXPECT_EQ(at(1), std::pair(U'\u00E9', std::size_t{2}));
  EXPECT_EQ(at(3), std::pair(U'\u20AC', std::size_t{3}));
  EXPECT_EQ(at(6), std::pair(U'\U0001F600', std::size_t{4}));
  EXPECT_FALSE(decode_utf8(text, 2));  // a continuation byte
  EXPECT_FALSE(decode_utf8(text, text.size()));
  EXPECT_FALSE(decode_utf8("\xED\xA0\x80", 0));  // surrogate
  EXPECT_FALSE(decode_utf8("\xE2\x82", 0));      // truncated
}

// Rust's char::is_alphanumeric, which Qdrant's bare JSON-path keys use.
TEST(Utf8Text, AlphanumericIsUnicodesAlphabeticOrNumeric) {
  for (const char32_t c :
       {U'a', U'Z', U'0', U'\u00E9' /* é */, U'\u00DF' /* ß */, U'\u6570' /* 数 */,
        U'\u0663' /* Arabic-Indic 3, Nd */, U'\u216B' /* Roman numeral twelve, Nl */,
        U'\u00B2' /* ², No */, U'\u0345' /* combining iota: Alphabetic, Mn */, U'\U00020000'}) {
    EXPECT_TRUE(is_unicode_alphanumeric(c)) << static_cast<unsigned>(c);
  }
  for (const char32_t c :
       {U'_', U'-', U'/', U' ', U'\u00A0' /* no-break space */, U'\u00D7' /* × */,
        U'\u20AC' /* € */, U'\u2014' /* — */, U'\U0001F600' /* 😀 */,
        U'\u0300' /* combining grave: Mn only */, U'\U0010FFFF'}) {
    EXPECT_FALSE(is_unicode_alphanumeric(c)) << static_cast<unsigned>(c);
  }
}

TEST(Utf8Text, APrefixNeverEndsInsideACharacter) {
  EXPECT_EQ(utf8_prefix("caf\xC3\xA9", 10), "caf\xC3\xA9");
  EXPECT_EQ(utf8_prefix("caf\xC3\xA9", 5), "caf\xC3\xA9");
  EXPECT_EQ(utf8_prefix("caf\xC3\xA9", 4), "caf");
  EXPECT_EQ(utf8_prefix("\xE2\x82\xAC", 2), "");
  EXPECT_EQ(utf8_prefix("abc", 0), "");
}

}  // namespace
}  // namespace index_optimizer
