// The value checks behind type inference: UUIDs, Qdrant datetimes, Mixpeek templates, widening.

#include <gtest/gtest.h>
#include <string>

#include "filter_decoder/value_types.hpp"

namespace {

using index_optimizer::index_type;
using index_optimizer::is_datetime;
using index_optimizer::is_template;
using index_optimizer::is_uuid;
using index_optimizer::widen;

TEST(FilterDecoderValues, UuidIsTheCanonicalHyphenatedForm) {
  EXPECT_TRUE(is_uuid("550e8400-e29b-41d4-a716-446655440000"));
  EXPECT_TRUE(is_uuid("550E8400-E29B-41D4-A716-446655440000"));
  EXPECT_FALSE(is_uuid("550e8400e29b41d4a716446655440000"));
  EXPECT_FALSE(is_uuid("{550e8400-e29b-41d4-a716-446655440000}"));
  EXPECT_FALSE(is_uuid("550e8400-e29b-41d4-a716-44665544000g"));
  EXPECT_FALSE(is_uuid("550e8400-e29b-41d4-a716_446655440000"));
  EXPECT_FALSE(is_uuid("550e8400-e29b-41d4-a716-4466554400000"));
  EXPECT_FALSE(is_uuid(""));
}

TEST(FilterDecoderValues, DatetimeAcceptsRfc3339AndQdrantRelaxations) {
  for (const char* text :
       {"2023-02-08T10:49:00Z", "2023-02-08T10:49:00.123456Z", "2023-02-08T10:49:00+01:00",
        "2023-02-08t10:49:00-05:30", "2023-02-08 10:49:00", "2023-02-08 10:49:00.5",
        "2023-02-08T10:49:00", "2023-02-08 10:49", "2023-02-08", "2023-02-08T10:49:00+0100",
        "2023-02-08T10:49:00+01", "2024-02-29", "2016-12-31T23:59:60Z", "2023-02-08T10:49:00z"}) {
    EXPECT_TRUE(is_datetime(text)) << text;
  }
}

TEST(FilterDecoderValues, DatetimeRejectsEverythingElse) {
  for (const char* text : {"",
                           "2023",
                           "2023-02",
                           "2023-2-8",
                           "2023-13-01",
                           "2023-00-10",
                           "2023-02-29",
                           "2023-04-31",
                           "2023-02-08T",
                           "2023-02-08T24:00:00Z",
                           "2023-02-08T10:60:00Z",
                           "2023-02-08T10:49:61Z",
                           "2023-02-08T10:49:00.Z",
                           "2023-02-08T10:49:00+25:00",
                           "2023-02-08T10:49:00+01:60",
                           "2023-02-08X10:49:00",
                           "2023-02-08T10:49:00ZZ",
                           "2023-02-08T10:49:00 UTC",
                           "yesterday",
                           "1700000000"}) {
    EXPECT_FALSE(is_datetime(text)) << text;
  }
}

TEST(FilterDecoderValues, TemplatesHaveOpeningAndClosingBraces) {
  EXPECT_TRUE(is_template("{{INPUT.category}}"));
  EXPECT_TRUE(is_template("prefix-{{INPUT.x}}"));
  EXPECT_FALSE(is_template("{{unclosed"));
  EXPECT_FALSE(is_template("}}{{"));
  EXPECT_FALSE(is_template("{single}"));
}

TEST(FilterDecoderValues, WidenCombinesCompatibleTypes) {
  EXPECT_EQ(widen(index_type::unknown, index_type::geo), index_type::geo);
  EXPECT_EQ(widen(index_type::text, index_type::unknown), index_type::text);
  EXPECT_EQ(widen(index_type::integer, index_type::float_), index_type::float_);
  EXPECT_EQ(widen(index_type::float_, index_type::integer), index_type::float_);
  EXPECT_EQ(widen(index_type::uuid, index_type::keyword), index_type::keyword);
  EXPECT_EQ(widen(index_type::datetime, index_type::datetime), index_type::datetime);
  EXPECT_EQ(widen(index_type::keyword, index_type::integer), std::nullopt);
  EXPECT_EQ(widen(index_type::text, index_type::keyword), std::nullopt);
  EXPECT_EQ(widen(index_type::bool_, index_type::integer), std::nullopt);
}

TEST(FilterDecoderValues, ControlCharactersAreAsciiBelowSpaceAndDel) {
  using index_optimizer::has_control_character;
  EXPECT_FALSE(has_control_character("metadata.title"));
  EXPECT_FALSE(has_control_character("caf\xc3\xa9 tags[]"));
  EXPECT_TRUE(has_control_character("a\tb"));
  EXPECT_TRUE(has_control_character(std::string_view("a\0b", 3)));
  EXPECT_TRUE(has_control_character("a\x7f"));
  // Checked eight bytes at a time: a control byte anywhere in a long name, and bytes >= 0x80
  // (UTF-8) next to it, are told apart.
  EXPECT_FALSE(has_control_character("metadata.attr_123.\xff\xfe\x80\xc3\xa9.nested[].x"));
  for (std::size_t at = 0; at < 24; ++at) {
    for (const char bad : {'\0', '\x01', '\x1f', '\x7f'}) {
      std::string name(24, 'a');
      name[at] = bad;
      EXPECT_TRUE(has_control_character(name)) << at << " " << static_cast<int>(bad);
    }
    std::string fine(24, '\x80');
    fine[at] = ' ';
    EXPECT_FALSE(has_control_character(fine)) << at;
  }
}

}  // namespace
