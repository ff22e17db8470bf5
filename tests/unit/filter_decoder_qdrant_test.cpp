// The Qdrant dialect: every condition of qdrant-1.19.openapi.json's Filter maps to the
// (field, index type, condition kinds) the optimizer counts.

#include "unit/filter_decoder_expect.hpp"

namespace {

using namespace filter_decoder_test;

TEST(FilterDecoderQdrant, MustWithMatchValueStringIsKeyword) {
  EXPECT_EQ(dialect_of(R"({"must": [{"key": "city", "match": {"value": "London"}}]})"),
            filter_dialect::qdrant);
  EXPECT_THAT(fields_of(R"({"must": [{"key": "city", "match": {"value": "London"}}]})"),
              ElementsAre(obs("city", T::keyword, {K::match})));
}

TEST(FilterDecoderQdrant, MatchValueUuidStringIsUuid) {
  EXPECT_THAT(
      fields_of(
          R"({"must": [{"key": "owner", "match": {"value": "550e8400-e29b-41d4-A716-446655440000"}}]})"),
      ElementsAre(obs("owner", T::uuid, {K::match})));
}

TEST(FilterDecoderQdrant, MatchValueIntegerIsInteger) {
  EXPECT_THAT(fields_of(R"({"must": [{"key": "count", "match": {"value": -42}}]})"),
              ElementsAre(obs("count", T::integer, {K::match})));
  EXPECT_THAT(fields_of(R"({"must": [{"key": "big", "match": {"value": 18446744073709551615}}]})"),
              ElementsAre(obs("big", T::integer, {K::match})));
}

TEST(FilterDecoderQdrant, MatchValueBoolIsBool) {
  EXPECT_THAT(fields_of(R"({"must": [{"key": "active", "match": {"value": false}}]})"),
              ElementsAre(obs("active", T::bool_, {K::match})));
}

TEST(FilterDecoderQdrant, MatchValueOfAnotherJsonKindIsInvalid) {
  EXPECT_EQ(reason_of(R"({"must": [{"key": "x", "match": {"value": 1.5}}]})"),
            decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"must": [{"key": "x", "match": {"value": null}}]})"),
            decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"must": [{"key": "x", "match": {"value": ["a"]}}]})"),
            decode_reason::invalid_filter);
}

TEST(FilterDecoderQdrant, MatchTextAndTextAnyAreText) {
  EXPECT_THAT(fields_of(R"({"must": [{"key": "title", "match": {"text": "good cheap"}},
                                     {"key": "body", "match": {"text_any": "red blue"}}]})"),
              ElementsAre(obs("title", T::text, {K::text}), obs("body", T::text, {K::text})));
}

TEST(FilterDecoderQdrant, MatchPhraseIsTextWithPhraseKind) {
  EXPECT_THAT(fields_of(R"({"must": {"key": "title", "match": {"phrase": "machine learning"}}})"),
              ElementsAre(obs("title", T::text, {K::phrase})));
}

TEST(FilterDecoderQdrant, MatchPrefixIsKeywordWithPrefixKind) {
  EXPECT_THAT(fields_of(R"({"must": {"key": "sku", "match": {"prefix": "AB-"}}})"),
              ElementsAre(obs("sku", T::keyword, {K::prefix})));
}

TEST(FilterDecoderQdrant, MatchStringKindsRequireStrings) {
  for (const char* clause : {"text", "text_any", "phrase", "prefix"}) {
    const std::string filter =
        std::string(R"({"must": {"key": "t", "match": {")") + clause + R"(": 5}}})";
    EXPECT_EQ(reason_of(filter), decode_reason::invalid_filter) << clause;
  }
}

TEST(FilterDecoderQdrant, MatchAnyIsTypedByItsElements) {
  EXPECT_THAT(fields_of(R"({"must": {"key": "color", "match": {"any": ["red", "blue"]}}})"),
              ElementsAre(obs("color", T::keyword, {K::any})));
  EXPECT_THAT(fields_of(R"({"must": {"key": "size", "match": {"any": [1, 2, 3]}}})"),
              ElementsAre(obs("size", T::integer, {K::any})));
  EXPECT_THAT(fields_of(R"({"must": {"key": "id", "match": {"any": [
                "550e8400-e29b-41d4-a716-446655440000", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"]}}})"),
              ElementsAre(obs("id", T::uuid, {K::any})));
}

TEST(FilterDecoderQdrant, MatchAnyMixingUuidsAndOtherStringsIsKeyword) {
  EXPECT_THAT(fields_of(R"({"must": {"key": "id", "match": {"any": [
                "550e8400-e29b-41d4-a716-446655440000", "legacy-7"]}}})"),
              ElementsAre(obs("id", T::keyword, {K::any})));
}

TEST(FilterDecoderQdrant, MatchExceptIsTypedLikeAny) {
  EXPECT_THAT(fields_of(R"({"must_not": {"key": "color", "match": {"except": ["black"]}}})"),
              ElementsAre(obs("color", T::keyword, {K::any})));
  EXPECT_THAT(fields_of(R"({"must": {"key": "level", "match": {"except": [0]}}})"),
              ElementsAre(obs("level", T::integer, {K::any})));
}

TEST(FilterDecoderQdrant, MatchAnyEmptyHasUnknownType) {
  EXPECT_THAT(fields_of(R"({"must": {"key": "tags", "match": {"any": []}}})"),
              ElementsAre(obs("tags", T::unknown, {K::any})));
}

TEST(FilterDecoderQdrant, MatchAnyWithMixedOrNonScalarElementsIsInvalid) {
  EXPECT_EQ(reason_of(R"({"must": {"key": "x", "match": {"any": ["a", 1]}}})"),
            decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"must": {"key": "x", "match": {"any": [true]}}})"),
            decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"must": {"key": "x", "match": {"except": "a"}}})"),
            decode_reason::invalid_filter);
}

TEST(FilterDecoderQdrant, MatchMustHoldExactlyOneKnownKind) {
  EXPECT_EQ(reason_of(R"({"must": {"key": "x", "match": {}}})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"must": {"key": "x", "match": {"value": "a", "text": "b"}}})"),
            decode_reason::invalid_filter);
  EXPECT_THAT(failure_of(R"({"must": {"key": "x", "match": {"fuzzy": "a"}}})").message,
              HasSubstr("'fuzzy'"));
  EXPECT_EQ(reason_of(R"({"must": {"key": "x", "match": "a"}})"), decode_reason::invalid_filter);
}

TEST(FilterDecoderQdrant, RangeWithIntegerBoundsIsInteger) {
  EXPECT_THAT(fields_of(R"({"must": {"key": "price", "range": {"gte": 10, "lt": 20}}})"),
              ElementsAre(obs("price", T::integer, {K::range})));
}

TEST(FilterDecoderQdrant, RangeWithAnyNonIntegerBoundIsFloat) {
  EXPECT_THAT(fields_of(R"({"must": {"key": "score", "range": {"gt": 0, "lte": 0.5}}})"),
              ElementsAre(obs("score", T::float_, {K::range})));
  EXPECT_THAT(fields_of(R"({"must": {"key": "score", "range": {"gt": 1.0}}})"),
              ElementsAre(obs("score", T::float_, {K::range})));
}

TEST(FilterDecoderQdrant, RangeWithDatetimeBoundsIsDatetime) {
  EXPECT_THAT(fields_of(R"({"must": {"key": "created", "range": {
                "gt": "2023-02-08T10:49:00Z", "lte": "2024-01-31 10:14:31.5+01:00"}}})"),
              ElementsAre(obs("created", T::datetime, {K::range})));
}

TEST(FilterDecoderQdrant, RangeWithoutBoundsHasUnknownType) {
  EXPECT_THAT(fields_of(R"({"must": {"key": "n", "range": {"gt": null}}})"),
              ElementsAre(obs("n", T::unknown, {K::range})));
}

TEST(FilterDecoderQdrant, MalformedRangeIsInvalid) {
  EXPECT_THAT(failure_of(R"({"must": {"key": "n", "range": {"gt": "yesterday"}}})").message,
              HasSubstr("'yesterday'"));
  EXPECT_EQ(reason_of(R"({"must": {"key": "n", "range": {"gt": 1, "lt": "2024-01-01"}}})"),
            decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"must": {"key": "n", "range": {"from": 1}}})"),
            decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"must": {"key": "n", "range": [1, 2]}})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"must": {"key": "n", "range": {"gt": true}}})"),
            decode_reason::invalid_filter);
}

TEST(FilterDecoderQdrant, GeoConditionsAreGeo) {
  EXPECT_THAT(fields_of(R"({"should": [
        {"key": "a", "geo_bounding_box": {"top_left": {"lat": 52.5, "lon": 13.3},
                                          "bottom_right": {"lat": 52.4, "lon": 13.5}}},
        {"key": "b", "geo_radius": {"center": {"lat": 52.5, "lon": 13.4}, "radius": 1000.0}},
        {"key": "c", "geo_polygon": {"exterior": {"points": [{"lat": 1, "lon": 1},
            {"lat": 2, "lon": 2}, {"lat": 1, "lon": 2}, {"lat": 1, "lon": 1}]}}}]})"),
              ElementsAre(obs("a", T::geo, {K::geo}), obs("b", T::geo, {K::geo}),
                          obs("c", T::geo, {K::geo})));
  EXPECT_EQ(reason_of(R"({"must": {"key": "a", "geo_radius": 5}})"), decode_reason::invalid_filter);
}

TEST(FilterDecoderQdrant, ValuesCountIsCountedWithUnknownType) {
  EXPECT_THAT(fields_of(R"({"must": {"key": "comments", "values_count": {"gt": 2}}})"),
              ElementsAre(obs("comments", T::unknown, {K::values_count})));
  EXPECT_EQ(reason_of(R"({"must": {"key": "comments", "values_count": 2}})"),
            decode_reason::invalid_filter);
}

TEST(FilterDecoderQdrant, FieldConditionIsEmptyAndIsNullFlags) {
  EXPECT_THAT(
      fields_of(R"({"must": [{"key": "a", "is_empty": true}, {"key": "b", "is_null": false}]})"),
      ElementsAre(obs("a", T::unknown, {K::is_empty}), obs("b", T::unknown, {K::is_null})));
  EXPECT_EQ(reason_of(R"({"must": {"key": "a", "is_empty": "yes"}})"),
            decode_reason::invalid_filter);
}

TEST(FilterDecoderQdrant, IsEmptyAndIsNullConditionsAreUnknownType) {
  EXPECT_THAT(fields_of(R"({"must_not": [{"is_empty": {"key": "reports"}},
                                          {"is_null": {"key": "owner"}}]})"),
              ElementsAre(obs("reports", T::unknown, {K::is_empty}),
                          obs("owner", T::unknown, {K::is_null})));
}

TEST(FilterDecoderQdrant, MalformedIsEmptyConditionIsInvalid) {
  EXPECT_EQ(reason_of(R"({"must": {"is_empty": "reports"}})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"must": {"is_null": {"key": 1}}})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"must": {"is_null": {"key": "a", "x": 1}}})"),
            decode_reason::invalid_filter);
}

TEST(FilterDecoderQdrant, HasIdHasVectorAndSliceObserveNoField) {
  EXPECT_THAT(fields_of(R"({"must": [{"has_id": [1, "550e8400-e29b-41d4-a716-446655440000"]},
                                     {"has_vector": "image"},
                                     {"slice": {"index": 0, "total": 4}}]})"),
              IsEmpty());
}

TEST(FilterDecoderQdrant, SingleConditionInPlaceOfArray) {
  EXPECT_THAT(fields_of(R"({"must": {"key": "a", "match": {"value": 1}},
                            "should": {"key": "b", "match": {"value": 2}},
                            "must_not": {"key": "c", "match": {"value": 3}}})"),
              ElementsAre(obs("a", T::integer, {K::match}), obs("b", T::integer, {K::match}),
                          obs("c", T::integer, {K::match})));
}

TEST(FilterDecoderQdrant, NullClausesAreAbsent) {
  EXPECT_THAT(fields_of(R"({"must": null, "should": null, "must_not": null, "min_should": null})"),
              IsEmpty());
  EXPECT_THAT(fields_of(R"({"must": {"key": "a", "match": {"value": 1}, "range": null}})"),
              ElementsAre(obs("a", T::integer, {K::match})));
}

TEST(FilterDecoderQdrant, MinShouldConditionsAreObserved) {
  EXPECT_THAT(fields_of(R"({"min_should": {"conditions": [
                {"key": "a", "match": {"value": "x"}}, {"key": "b", "range": {"gte": 1}}],
                "min_count": 1}})"),
              ElementsAre(obs("a", T::keyword, {K::match}), obs("b", T::integer, {K::range})));
}

TEST(FilterDecoderQdrant, MalformedMinShouldIsInvalid) {
  EXPECT_EQ(reason_of(R"({"min_should": {"conditions": [], "min_count": -1}})"),
            decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"min_should": {"conditions": {}, "min_count": 1}})"),
            decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"min_should": {"min_count": 1}})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"min_should": [1]})"), decode_reason::invalid_filter);
}

TEST(FilterDecoderQdrant, FilterNestedAsConditionIsWalked) {
  EXPECT_THAT(fields_of(R"({"must": [{"should": [{"key": "a", "match": {"value": "x"}},
                                                  {"must_not": {"key": "b", "match": {"value": 1}}}]},
                                     {}]})"),
              ElementsAre(obs("a", T::keyword, {K::match}), obs("b", T::integer, {K::match})));
}

TEST(FilterDecoderQdrant, NestedKeysAreComposedWithBrackets) {
  EXPECT_THAT(fields_of(R"({"must": [{"nested": {"key": "country.cities", "filter": {
                  "must": [{"key": "population", "range": {"gte": 1000000}},
                           {"key": "sightseeing", "match": {"any": ["Louvre"]}}]}}},
                {"key": "population", "match": {"value": 1}}]})"),
              ElementsAre(obs("country.cities[].population", T::integer, {K::range}),
                          obs("country.cities[].sightseeing", T::keyword, {K::any}),
                          obs("population", T::integer, {K::match})));
}

TEST(FilterDecoderQdrant, NestedInNestedComposes) {
  EXPECT_THAT(
      fields_of(R"({"must": {"nested": {"key": "a", "filter": {"must": [
                  {"nested": {"key": "b", "filter": {"must": {"key": "c", "match": {"value": true}}}}},
                  {"key": "d", "is_null": true}]}}}})"),
      ElementsAre(obs("a[].b[].c", T::bool_, {K::match}), obs("a[].d", T::unknown, {K::is_null})));
}

TEST(FilterDecoderQdrant, MalformedNestedIsInvalid) {
  EXPECT_EQ(reason_of(R"({"must": {"nested": {"key": "a"}}})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"must": {"nested": {"key": "a", "filter": []}}})"),
            decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"must": {"nested": {"key": 1, "filter": {}}}})"),
            decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"must": {"nested": {"key": "", "filter": {}}}})"),
            decode_reason::invalid_field);
  EXPECT_EQ(reason_of(R"({"must": {"nested": {"key": "a", "filter": {"AND": []}}}})"),
            decode_reason::invalid_filter);
}

// Found by fuzz/filter_entry_fuzz.cpp: the nested key is part of every path under it, so a
// control character in it must be rejected like one in a field name.
TEST(FilterDecoderQdrant, NestedKeyWithAControlCharacterIsAnInvalidField) {
  EXPECT_EQ(reason_of(R"({"must": {"nested": {"key": "a\u007f", "filter": {"must": [
                          {"key": "b", "match": {"value": 1}}]}}}})"),
            decode_reason::invalid_field);
  EXPECT_EQ(reason_of(R"({"must": {"nested": {"key": "a\nb", "filter": {}}}})"),
            decode_reason::invalid_field);
}

TEST(FilterDecoderQdrant, FieldConditionWithSeveralClausesMergesKinds) {
  EXPECT_THAT(fields_of(R"({"must": {"key": "n", "match": {"value": 5}, "range": {"lt": 9},
                                     "values_count": {"gt": 0}}})"),
              ElementsAre(obs("n", T::integer, {K::match, K::range, K::values_count})));
}

TEST(FilterDecoderQdrant, FieldConditionWithoutAClauseIsInvalid) {
  EXPECT_EQ(reason_of(R"({"must": {"key": "a"}})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"must": {"key": "a", "match": null}})"), decode_reason::invalid_filter);
}

TEST(FilterDecoderQdrant, FieldConditionWithUnknownKeyIsInvalid) {
  EXPECT_THAT(failure_of(R"({"must": {"key": "a", "match": {"value": 1}, "boost": 2}})").message,
              HasSubstr("'boost'"));
  EXPECT_EQ(reason_of(R"({"must": {"key": "a", "fuzzy": null}})"), decode_reason::invalid_filter);
}

TEST(FilterDecoderQdrant, FieldConditionKeyMustBeAString) {
  EXPECT_EQ(reason_of(R"({"must": {"key": 7, "match": {"value": 1}}})"),
            decode_reason::invalid_filter);
}

TEST(FilterDecoderQdrant, ConditionsMustBeObjectsOfAKnownShape) {
  EXPECT_EQ(reason_of(R"({"must": [1]})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"must": "a"})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"must": [{"field": "a", "value": 1}]})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"must": [{"has_id": [1], "has_vector": "v"}]})"),
            decode_reason::invalid_filter);
}

TEST(FilterDecoderQdrant, UnknownKeyInsideANestedFilterIsInvalid) {
  EXPECT_EQ(reason_of(R"({"must": {"nested": {"key": "a", "filter": {"must": [], "filter": 1}}}})"),
            decode_reason::invalid_filter);
}

}  // namespace
