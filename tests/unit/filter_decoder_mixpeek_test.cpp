// The Mixpeek dialect: LogicalOperator nesting, FilterCondition, the shorthands and Mongo-style
// operators, templates and dynamic values, and what each operator says about the index type.

#include "unit/filter_decoder_expect.hpp"

namespace {

using namespace filter_decoder_test;

// One condition on field "f" with `operator` and `value` (JSON text).
std::string condition(std::string_view op, std::string_view value) {
  return R"({"field": "f", "operator": ")" + std::string(op) + R"(", "value": )" +
         std::string(value) + "}";
}

TEST(FilterDecoderMixpeek, EqByValueType) {
  EXPECT_THAT(fields_of(condition("eq", R"("published")")),
              ElementsAre(obs("f", T::keyword, {K::match})));
  EXPECT_THAT(fields_of(condition("eq", R"("550e8400-e29b-41d4-a716-446655440000")")),
              ElementsAre(obs("f", T::uuid, {K::match})));
  EXPECT_THAT(fields_of(condition("eq", "30")), ElementsAre(obs("f", T::integer, {K::match})));
  EXPECT_THAT(fields_of(condition("eq", "2.5")), ElementsAre(obs("f", T::float_, {K::match})));
  EXPECT_THAT(fields_of(condition("eq", "true")), ElementsAre(obs("f", T::bool_, {K::match})));
  EXPECT_THAT(fields_of(condition("eq", "null")), ElementsAre(obs("f", T::unknown, {K::match})));
}

TEST(FilterDecoderMixpeek, OperatorDefaultsToEq) {
  EXPECT_EQ(dialect_of(R"({"field": "metadata.status", "value": "draft"})"),
            filter_dialect::mixpeek);
  EXPECT_THAT(fields_of(R"({"field": "metadata.status", "value": "draft"})"),
              ElementsAre(obs("metadata.status", T::keyword, {K::match})));
  EXPECT_THAT(fields_of(R"({"field": "n", "operator": null, "value": 1})"),
              ElementsAre(obs("n", T::integer, {K::match})));
}

TEST(FilterDecoderMixpeek, NeIsAMatch) {
  EXPECT_THAT(fields_of(condition("ne", "7")), ElementsAre(obs("f", T::integer, {K::match})));
}

TEST(FilterDecoderMixpeek, InAndNinAreTypedByTheirElements) {
  EXPECT_THAT(fields_of(condition("in", R"(["a", "b"])")),
              ElementsAre(obs("f", T::keyword, {K::any})));
  EXPECT_THAT(fields_of(condition("nin", "[1, 2]")), ElementsAre(obs("f", T::integer, {K::any})));
  EXPECT_THAT(fields_of(condition("in", "[1, 2.5]")), ElementsAre(obs("f", T::float_, {K::any})));
  EXPECT_THAT(fields_of(condition("in", "[true, false]")),
              ElementsAre(obs("f", T::bool_, {K::any})));
  EXPECT_THAT(fields_of(condition("in", R"(["550e8400-e29b-41d4-a716-446655440000"])")),
              ElementsAre(obs("f", T::uuid, {K::any})));
}

TEST(FilterDecoderMixpeek, InWithIncompatibleOrNoElementsHasUnknownType) {
  EXPECT_THAT(fields_of(condition("in", R"(["a", 1])")),
              ElementsAre(obs("f", T::unknown, {K::any})));
  EXPECT_THAT(fields_of(condition("in", R"(["a", 1, "b"])")),
              ElementsAre(obs("f", T::unknown, {K::any})));
  EXPECT_THAT(fields_of(condition("in", "[]")), ElementsAre(obs("f", T::unknown, {K::any})));
}

TEST(FilterDecoderMixpeek, InWithAScalarOrTemplate) {
  EXPECT_THAT(fields_of(condition("in", R"("solo")")), ElementsAre(obs("f", T::keyword, {K::any})));
  EXPECT_THAT(fields_of(condition("in", R"("{{INPUT.categories}}")")),
              ElementsAre(obs("f", T::unknown, {K::any})));
  EXPECT_THAT(fields_of(condition("in", R"(["{{INPUT.a}}", "b"])")),
              ElementsAre(obs("f", T::keyword, {K::any})));
}

TEST(FilterDecoderMixpeek, InWithNonScalarElementsIsInvalid) {
  EXPECT_EQ(reason_of(condition("in", R"([{"a": 1}])")), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(condition("in", "[[1]]")), decode_reason::invalid_filter);
}

TEST(FilterDecoderMixpeek, ComparisonsAreRanges) {
  EXPECT_THAT(fields_of(condition("gt", "3")), ElementsAre(obs("f", T::integer, {K::range})));
  EXPECT_THAT(fields_of(condition("gte", "0.25")), ElementsAre(obs("f", T::float_, {K::range})));
  EXPECT_THAT(fields_of(condition("lt", R"("2024-06-01T00:00:00Z")")),
              ElementsAre(obs("f", T::datetime, {K::range})));
  EXPECT_THAT(fields_of(condition("lte", R"("2024-06-01")")),
              ElementsAre(obs("f", T::datetime, {K::range})));
}

TEST(FilterDecoderMixpeek, ComparisonWithAnUnreadableValueHasUnknownType) {
  EXPECT_THAT(fields_of(condition("gt", R"("banana")")),
              ElementsAre(obs("f", T::unknown, {K::range})));
  EXPECT_THAT(fields_of(condition("gt", R"("{{INPUT.since}}")")),
              ElementsAre(obs("f", T::unknown, {K::range})));
  EXPECT_THAT(fields_of(condition("lt", "true")), ElementsAre(obs("f", T::unknown, {K::range})));
  EXPECT_THAT(fields_of(condition("lt", R"({"type": "dynamic", "field": "inputs.until"})")),
              ElementsAre(obs("f", T::unknown, {K::range})));
}

TEST(FilterDecoderMixpeek, ComparisonWithAnArrayIsInvalid) {
  EXPECT_EQ(reason_of(condition("gt", "[1]")), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(condition("gt", R"({"a": 1})")), decode_reason::invalid_filter);
}

TEST(FilterDecoderMixpeek, TextIsText) {
  EXPECT_THAT(fields_of(condition("text", R"("vector search")")),
              ElementsAre(obs("f", T::text, {K::text})));
}

TEST(FilterDecoderMixpeek, ContainsStringIsTextAndContainsScalarIsMatch) {
  EXPECT_THAT(fields_of(condition("contains", R"("sub")")),
              ElementsAre(obs("f", T::text, {K::text})));
  EXPECT_THAT(fields_of(condition("contains", R"({"field": "inputs.q"})")),
              ElementsAre(obs("f", T::text, {K::text})));
  EXPECT_THAT(fields_of(condition("contains", "5")), ElementsAre(obs("f", T::integer, {K::match})));
  EXPECT_EQ(reason_of(condition("contains", R"({"x": 1})")), decode_reason::invalid_filter);
}

TEST(FilterDecoderMixpeek, StartsWithIsKeywordPrefix) {
  EXPECT_THAT(fields_of(condition("starts_with", R"("img_")")),
              ElementsAre(obs("f", T::keyword, {K::prefix})));
}

TEST(FilterDecoderMixpeek, EndsWithAndRegexAreUnknownPattern) {
  EXPECT_THAT(fields_of(condition("ends_with", R"(".png")")),
              ElementsAre(obs("f", T::unknown, {K::pattern})));
  EXPECT_THAT(fields_of(condition("regex", R"("^a.*z$")")),
              ElementsAre(obs("f", T::unknown, {K::pattern})));
}

TEST(FilterDecoderMixpeek, ExistsAndIsNullAreUnknownAndNeedNoValue) {
  EXPECT_THAT(fields_of(R"({"field": "a", "operator": "exists", "value": true})"),
              ElementsAre(obs("a", T::unknown, {K::exists})));
  EXPECT_THAT(fields_of(R"({"field": "a", "operator": "exists"})"),
              ElementsAre(obs("a", T::unknown, {K::exists})));
  EXPECT_THAT(fields_of(R"({"field": "b", "operator": "is_null"})"),
              ElementsAre(obs("b", T::unknown, {K::is_null})));
}

TEST(FilterDecoderMixpeek, TemplatesAndDynamicValuesHaveUnknownType) {
  EXPECT_THAT(fields_of(condition("eq", R"("{{INPUT.category}}")")),
              ElementsAre(obs("f", T::unknown, {K::match})));
  EXPECT_THAT(fields_of(condition("eq", R"("cat-{{INPUT.n}}-x")")),
              ElementsAre(obs("f", T::unknown, {K::match})));
  EXPECT_THAT(fields_of(condition("eq", R"({"type": "dynamic", "field": "inputs.user_id"})")),
              ElementsAre(obs("f", T::unknown, {K::match})));
  EXPECT_THAT(fields_of(condition("eq", R"({"field": "inputs.user_id"})")),
              ElementsAre(obs("f", T::unknown, {K::match})));
}

TEST(FilterDecoderMixpeek, ObjectValueThatIsNotDynamicIsInvalid) {
  EXPECT_EQ(reason_of(condition("eq", R"({"type": "static", "field": "x"})")),
            decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(condition("eq", R"({"a": 1})")), decode_reason::invalid_filter);
}

TEST(FilterDecoderMixpeek, EqWithAnArrayIsTypedByItsElements) {
  EXPECT_THAT(fields_of(condition("eq", R"(["a", "b"])")),
              ElementsAre(obs("f", T::keyword, {K::match})));
}

TEST(FilterDecoderMixpeek, ShorthandEquality) {
  EXPECT_THAT(fields_of(R"({"metadata.title": "value", "year": 2024})"),
              ElementsAre(obs("metadata.title", T::keyword, {K::match}),
                          obs("year", T::integer, {K::match})));
}

TEST(FilterDecoderMixpeek, ShorthandOperatorDict) {
  EXPECT_THAT(fields_of(R"({"position": {"lte": 5}})"),
              ElementsAre(obs("position", T::integer, {K::range})));
  EXPECT_THAT(fields_of(R"({"price": {"gte": 1, "lt": 9.5, "ne": 3}})"),
              ElementsAre(obs("price", T::float_, {K::range, K::match})));
  EXPECT_THAT(fields_of(R"({"tag": {"in": ["a"], "starts_with": "b"}})"),
              ElementsAre(obs("tag", T::keyword, {K::any, K::prefix})));
}

TEST(FilterDecoderMixpeek, ShorthandWithDynamicValue) {
  EXPECT_THAT(fields_of(R"({"user_id": {"type": "dynamic", "field": "inputs.user_id"}})"),
              ElementsAre(obs("user_id", T::unknown, {K::match})));
}

TEST(FilterDecoderMixpeek, MongoStyleOperators) {
  EXPECT_THAT(fields_of(R"({"a": {"$eq": "x"}, "b": {"$in": [1, 2]}, "c": {"$gte": 1, "$lt": 4},
                            "d": {"$exists": true}, "e": {"$regex": "^x"}, "g": {"$nin": ["q"]}})"),
              ElementsAre(obs("a", T::keyword, {K::match}), obs("b", T::integer, {K::any}),
                          obs("c", T::integer, {K::range}), obs("d", T::unknown, {K::exists}),
                          obs("e", T::unknown, {K::pattern}), obs("g", T::keyword, {K::any})));
  EXPECT_THAT(fields_of(R"({"field": "a", "operator": "$gt", "value": 1})"),
              ElementsAre(obs("a", T::integer, {K::range})));
}

TEST(FilterDecoderMixpeek, ShorthandObjectThatIsNeitherOperatorsNorDynamicIsInvalid) {
  EXPECT_THAT(failure_of(R"({"meta": {"title": "x"}})").message, HasSubstr("'meta'"));
  EXPECT_EQ(reason_of(R"({"meta": {"lte": 5, "title": "x"}})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"meta": {}})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"meta": {"$elemMatch": {"a": 1}}})"), decode_reason::invalid_filter);
}

TEST(FilterDecoderMixpeek, LogicalNesting) {
  EXPECT_THAT(fields_of(R"({"AND": [
        {"field": "metadata.status", "operator": "eq", "value": "published"},
        {"OR": [{"field": "metadata.category", "operator": "eq", "value": "video"},
                {"field": "metadata.category", "operator": "eq", "value": "audio"}]},
        {"NOT": {"field": "metadata.restricted", "operator": "eq", "value": true}}],
      "case_sensitive": true})"),
              ElementsAre(obs("metadata.status", T::keyword, {K::match}),
                          obs("metadata.category", T::keyword, {K::match}),
                          obs("metadata.restricted", T::bool_, {K::match})));
}

TEST(FilterDecoderMixpeek, NotTakesAnArrayOrOneNode) {
  EXPECT_THAT(fields_of(R"({"NOT": [{"department": "HR"}, {"location": "remote"}]})"),
              ElementsAre(obs("department", T::keyword, {K::match}),
                          obs("location", T::keyword, {K::match})));
  EXPECT_THAT(fields_of(R"({"NOT": {"AND": [{"a": 1}]}})"),
              ElementsAre(obs("a", T::integer, {K::match})));
}

TEST(FilterDecoderMixpeek, LogicalKeysMixWithShorthandKeys) {
  EXPECT_THAT(
      fields_of(R"({"status": "active", "OR": [{"role": "admin"}], "AND": null})"),
      ElementsAre(obs("status", T::keyword, {K::match}), obs("role", T::keyword, {K::match})));
}

TEST(FilterDecoderMixpeek, MongoLogicalSpellings) {
  EXPECT_THAT(fields_of(R"({"$and": [{"a": 1}], "$or": [{"b": 2}], "$nor": [{"c": 3}]})"),
              ElementsAre(obs("a", T::integer, {K::match}), obs("b", T::integer, {K::match}),
                          obs("c", T::integer, {K::match})));
  EXPECT_THAT(failure_of(R"({"$where": "x"})").message, HasSubstr("'$where'"));
}

TEST(FilterDecoderMixpeek, MalformedLogicalOperatorsAreInvalid) {
  EXPECT_EQ(reason_of(R"({"AND": {"a": 1}})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"OR": "a"})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"NOT": 5})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"AND": [1]})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"AND": [], "case_sensitive": "yes"})"), decode_reason::invalid_filter);
}

TEST(FilterDecoderMixpeek, EmptyLogicalGroupsHaveNoFields) {
  EXPECT_THAT(fields_of(R"({"AND": [], "OR": [], "NOT": []})"), IsEmpty());
  EXPECT_THAT(fields_of(R"({"case_sensitive": false})"), IsEmpty());
}

TEST(FilterDecoderMixpeek, MalformedConditionsAreInvalid) {
  EXPECT_THAT(failure_of(condition("like", R"("a")")).message, HasSubstr("'like'"));
  EXPECT_EQ(reason_of(R"({"field": "f", "operator": 3, "value": 1})"),
            decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"field": "f", "operator": "eq"})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"field": "f", "operator": "eq", "value": 1, "boost": 2})"),
            decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"field": 5, "value": 1})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"field": "f"})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"field": 5})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"field": "f", "status": "x"})"), decode_reason::invalid_filter);
  EXPECT_EQ(reason_of(R"({"field": "", "value": 1})"), decode_reason::invalid_field);
}

TEST(FilterDecoderMixpeek, PayloadFieldNamedFieldNeedsTheLongForm) {
  EXPECT_THAT(fields_of(R"({"field": "field", "value": "x"})"),
              ElementsAre(obs("field", T::keyword, {K::match})));
}

TEST(FilterDecoderMixpeek, OperatorNamesAreCaseSensitive) {
  EXPECT_EQ(reason_of(condition("EQ", "1")), decode_reason::invalid_filter);
}

}  // namespace
