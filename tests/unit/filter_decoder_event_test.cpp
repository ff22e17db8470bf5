// Whole stream entries: the event contract, the `fields` form, dialect detection, merging, limits
// and every decode reason.

#include <set>
#include <string>
#include <vector>

#include "unit/filter_decoder_expect.hpp"
#include "window_store/window_stats.hpp"

namespace {

using namespace filter_decoder_test;
using index_optimizer::decode_event;
using index_optimizer::decode_fields;
using index_optimizer::decoded_event;
using index_optimizer::decoded_filter;
using index_optimizer::entry_field;
using index_optimizer::event_decoder;

constexpr std::int64_t k_entry_ms = 1'700'000'000'123;

decoded_event event_of(const std::vector<entry_field>& entry, const decode_limits& limits = {}) {
  auto result = decode_event(entry, k_entry_ms, limits);
  if (const auto* failure = std::get_if<decode_failure>(&result)) {
    ADD_FAILURE() << to_string(failure->reason) << ": " << failure->message;
    return {};
  }
  return std::get<decoded_event>(result);
}

decode_failure event_failure(const std::vector<entry_field>& entry,
                             const decode_limits& limits = {}) {
  auto result = decode_event(entry, k_entry_ms, limits);
  if (const auto* failure = std::get_if<decode_failure>(&result)) return *failure;
  ADD_FAILURE() << "the entry unexpectedly decoded";
  return {decode_reason::unknown_namespace, {}};
}

decode_reason event_reason(const std::vector<entry_field>& entry,
                           const decode_limits& limits = {}) {
  return event_failure(entry, limits).reason;
}

std::vector<field_observation> field_list_of(std::string_view fields) {
  auto result = decode_fields(fields);
  if (const auto* failure = std::get_if<decode_failure>(&result)) {
    ADD_FAILURE() << to_string(failure->reason) << ": " << failure->message;
    return {};
  }
  return std::get<decoded_filter>(result).fields;
}

decode_reason field_list_reason(std::string_view fields, const decode_limits& limits = {}) {
  auto result = decode_fields(fields, limits);
  if (const auto* failure = std::get_if<decode_failure>(&result)) return failure->reason;
  ADD_FAILURE() << fields << " unexpectedly decoded";
  return decode_reason::unknown_namespace;
}

// A Qdrant filter with `count` match conditions on fields f0, f1, ...
std::string qdrant_filter_with(std::size_t count) {
  std::string filter = R"({"must": [)";
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) filter += ',';
    filter += R"({"key": "f)" + std::to_string(i) + R"(", "match": {"value": 1}})";
  }
  return filter + "]}";
}

// --- the event contract -------------------------------------------------------------------

TEST(FilterDecoderEvent, QdrantEventDecodesEveryContractField) {
  const decoded_event event = event_of({{"namespace", "ns_abc123"},
                                        {"filter", R"({"must": [{"key": "category",
                                            "match": {"value": "shoes"}}]})"},
                                        {"ts", "1700000000000"},
                                        {"latency_ms", "12.5"}});
  EXPECT_EQ(event.namespace_ref, "ns_abc123");
  EXPECT_EQ(event.ts_ms, 1'700'000'000'000);
  EXPECT_EQ(event.latency_ms, 12.5);
  EXPECT_EQ(event.dialect, filter_dialect::qdrant);
  EXPECT_THAT(event.fields, ElementsAre(obs("category", T::keyword, {K::match})));
  EXPECT_EQ(event.sample_filter, R"({"must":[{"key":"category","match":{"value":"shoes"}}]})");
  EXPECT_FALSE(event.sample_truncated);
}

TEST(FilterDecoderEvent, MixpeekEventWithDefaults) {
  const decoded_event event =
      event_of({{"namespace", "my-namespace"}, {"filter", R"({"position": {"lte": 5}})"}});
  EXPECT_EQ(event.namespace_ref, "my-namespace");
  EXPECT_EQ(event.ts_ms, k_entry_ms);
  EXPECT_EQ(event.latency_ms, std::nullopt);
  EXPECT_EQ(event.dialect, filter_dialect::mixpeek);
  EXPECT_THAT(event.fields, ElementsAre(obs("position", T::integer, {K::range})));
}

TEST(FilterDecoderEvent, FieldsEventDecodes) {
  const decoded_event event = event_of(
      {{"namespace", "ns_1"}, {"fields", R"(["brand", {"field": "price", "type": "float"}])"}});
  EXPECT_EQ(event.dialect, filter_dialect::field_list);
  EXPECT_THAT(event.fields, ElementsAre(obs("brand", T::unknown), obs("price", T::float_)));
  EXPECT_EQ(event.sample_filter, R"(["brand",{"field":"price","type":"float"}])");
}

TEST(FilterDecoderEvent, EntryFieldsOutsideTheContractAreIgnored) {
  const decoded_event event = event_of(
      {{"trace_id", "abc"}, {"namespace", "ns_1"}, {"filter", "{}"}, {"service", "search"}});
  EXPECT_EQ(event.dialect, filter_dialect::empty);
  EXPECT_THAT(event.fields, IsEmpty());
}

TEST(FilterDecoderEvent, ZeroLatencyAndTimestampAreValid) {
  const decoded_event event =
      event_of({{"namespace", "n"}, {"filter", "{}"}, {"ts", "0"}, {"latency_ms", "0"}});
  EXPECT_EQ(event.ts_ms, 0);
  EXPECT_EQ(event.latency_ms, 0.0);
  EXPECT_EQ(event_of({{"namespace", "n"}, {"filter", "{}"}, {"latency_ms", "1e3"}}).latency_ms,
            1000.0);
}

TEST(FilterDecoderEvent, MissingNamespace) {
  EXPECT_EQ(event_reason({{"filter", "{}"}}), decode_reason::missing_namespace);
  EXPECT_EQ(event_reason({{"namespace", ""}, {"filter", "{}"}}), decode_reason::missing_namespace);
}

TEST(FilterDecoderEvent, InvalidNamespace) {
  const std::string long_name(256, 'n');
  EXPECT_EQ(event_reason({{"namespace", long_name}, {"filter", "{}"}}),
            decode_reason::invalid_namespace);
  EXPECT_EQ(event_reason({{"namespace", "ns\n1"}, {"filter", "{}"}}),
            decode_reason::invalid_namespace);
  const std::string max_name(255, 'n');
  EXPECT_EQ(event_of({{"namespace", max_name}, {"filter", "{}"}}).namespace_ref, max_name);
}

TEST(FilterDecoderEvent, MissingFilter) {
  EXPECT_EQ(event_reason({{"namespace", "n"}}), decode_reason::missing_filter);
}

TEST(FilterDecoderEvent, BothFilterAndFields) {
  EXPECT_EQ(event_reason({{"namespace", "n"}, {"filter", "{}"}, {"fields", "[]"}}),
            decode_reason::both_filter_and_fields);
}

TEST(FilterDecoderEvent, DuplicateContractField) {
  const decode_failure failure =
      event_failure({{"namespace", "a"}, {"namespace", "b"}, {"filter", "{}"}});
  EXPECT_EQ(failure.reason, decode_reason::duplicate_entry_field);
  EXPECT_THAT(failure.message, HasSubstr("'namespace'"));
  EXPECT_EQ(event_reason({{"namespace", "a"}, {"filter", "{}"}, {"filter", "{}"}}),
            decode_reason::duplicate_entry_field);
}

TEST(FilterDecoderEvent, InvalidTimestamp) {
  for (const char* ts : {"", "abc", "-1", "1.5", " 1", "1 ", "+1", "99999999999999999999"}) {
    EXPECT_EQ(event_reason({{"namespace", "n"}, {"filter", "{}"}, {"ts", ts}}),
              decode_reason::invalid_timestamp)
        << "ts=" << ts;
  }
}

TEST(FilterDecoderEvent, InvalidLatency) {
  for (const char* latency : {"", "abc", "-1", "-0.5", "nan", "inf", "1e999", "5ms"}) {
    EXPECT_EQ(event_reason({{"namespace", "n"}, {"filter", "{}"}, {"latency_ms", latency}}),
              decode_reason::invalid_latency)
        << "latency_ms=" << latency;
  }
}

TEST(FilterDecoderEvent, InvalidJson) {
  for (const char* filter : {"", "{", "not json", R"({"must": []} extra)", "{'a': 1}",
                             "{\"a\": \"\xff\"}", R"({"a": 1,})"}) {
    EXPECT_EQ(event_reason({{"namespace", "n"}, {"filter", filter}}), decode_reason::invalid_json)
        << filter;
  }
  EXPECT_EQ(event_reason({{"namespace", "n"}, {"fields", "[1,"}}), decode_reason::invalid_json);
}

TEST(FilterDecoderEvent, UnrecognisedFilterShapes) {
  for (const char* filter : {"[]", R"("city")", "42", "null", "true"}) {
    EXPECT_EQ(event_reason({{"namespace", "n"}, {"filter", filter}}),
              decode_reason::unrecognised_filter)
        << filter;
  }
}

TEST(FilterDecoderEvent, FilterMixingDialectsIsUnrecognised) {
  EXPECT_EQ(reason_of(R"({"must": [], "AND": []})"), decode_reason::unrecognised_filter);
  EXPECT_EQ(reason_of(R"({"should": [], "status": "x"})"), decode_reason::unrecognised_filter);
}

TEST(FilterDecoderEvent, BareQdrantConditionIsUnrecognisedWithAHint) {
  EXPECT_THAT(failure_of(R"({"key": "city", "match": {"value": "London"}})").message,
              HasSubstr("{\"must\": [<condition>]}"));
  for (const char* filter :
       {R"({"key": "n", "range": {"gt": 1}})", R"({"nested": {"key": "a", "filter": {}}})",
        R"({"is_empty": {"key": "a"}})", R"({"is_null": {"key": "a"}})", R"({"has_id": [1]})",
        R"({"has_vector": "image"})", R"({"slice": {"index": 0, "total": 2}})"}) {
    EXPECT_EQ(reason_of(filter), decode_reason::unrecognised_filter) << filter;
  }
}

TEST(FilterDecoderEvent, ShorthandOnFieldsNamedLikeQdrantConditionKeysIsMixpeek) {
  // Only the Qdrant shapes are taken as bare conditions; plain values stay Mixpeek shorthand.
  EXPECT_THAT(fields_of(R"({"key": "abc"})"), ElementsAre(obs("key", T::keyword, {K::match})));
  EXPECT_THAT(fields_of(R"({"has_vector": true})"),
              ElementsAre(obs("has_vector", T::bool_, {K::match})));
}

TEST(FilterDecoderEvent, EmptyFilterHasNoFields) {
  EXPECT_EQ(dialect_of("{}"), filter_dialect::empty);
  EXPECT_THAT(fields_of(" { } "), IsEmpty());
}

// --- the `fields` form ---------------------------------------------------------------------

TEST(FilterDecoderFields, NamesHaveUnknownTypeAndNoKinds) {
  EXPECT_THAT(field_list_of(R"(["a", "b.c"])"),
              ElementsAre(obs("a", T::unknown), obs("b.c", T::unknown)));
}

TEST(FilterDecoderFields, ObjectsCarryTypeAndKinds) {
  EXPECT_THAT(field_list_of(R"([{"field": "a", "type": "keyword", "kinds": ["match", "prefix"]},
                                {"field": "b", "type": "unknown"}, {"field": "c", "type": null},
                                {"field": "d", "kinds": null}, {"field": "e", "type": "uuid"}])"),
              ElementsAre(obs("a", T::keyword, {K::match, K::prefix}), obs("b", T::unknown),
                          obs("c", T::unknown), obs("d", T::unknown), obs("e", T::uuid)));
}

TEST(FilterDecoderFields, EveryIndexTypeNameIsAccepted) {
  EXPECT_THAT(field_list_of(R"([{"field": "a", "type": "integer"}, {"field": "b", "type": "float"},
        {"field": "c", "type": "bool"}, {"field": "d", "type": "geo"},
        {"field": "e", "type": "datetime"}, {"field": "f", "type": "text"}])"),
              ElementsAre(obs("a", T::integer), obs("b", T::float_), obs("c", T::bool_),
                          obs("d", T::geo), obs("e", T::datetime), obs("f", T::text)));
}

TEST(FilterDecoderFields, DuplicatesAreMerged) {
  EXPECT_THAT(field_list_of(R"(["a", {"field": "a", "type": "integer", "kinds": ["range"]},
                                {"field": "a", "type": "float"}])"),
              ElementsAre(obs("a", T::float_, {K::range})));
}

TEST(FilterDecoderFields, EmptyListHasNoFields) {
  EXPECT_THAT(field_list_of("[]"), IsEmpty());
}

TEST(FilterDecoderFields, MalformedEntriesAreInvalidField) {
  for (const char* fields :
       {R"({"a": 1})", R"("a")", "[1]", "[null]", "[[\"a\"]]", R"([{"type": "keyword"}])",
        R"([{"field": 1}])", R"([{"field": "a", "type": "string"}])",
        R"([{"field": "a", "type": 5}])", R"([{"field": "a", "kinds": ["fuzzy"]}])",
        R"([{"field": "a", "kinds": "match"}])", R"([{"field": "a", "kinds": [1]}])",
        R"([{"field": "a", "index": "keyword"}])", R"([""])"}) {
    EXPECT_EQ(field_list_reason(fields), decode_reason::invalid_field) << fields;
  }
}

// The window store counts fields refused by the field cap under a reserved path: no event may name
// it, in any dialect.
TEST(FilterDecoderFields, NoEventCanNameTheOverflowEntry) {
  const std::string escaped = "\\u0001overflow";  // k_overflow_path, as JSON writes it
  ASSERT_EQ(std::string(index_optimizer::k_overflow_path), "\x01overflow");
  EXPECT_EQ(field_list_reason(R"([")" + escaped + R"("])"), decode_reason::invalid_field);
  EXPECT_EQ(reason_of(R"({"must": [{"key": ")" + escaped + R"(", "match": {"value": 1}}]})"),
            decode_reason::invalid_field);
  EXPECT_EQ(
      reason_of(R"({"AND": [{"field": ")" + escaped + R"(", "operator": "eq", "value": 1}]})"),
      decode_reason::invalid_field);
}

TEST(FilterDecoderFields, MessageNamesTheBadEntry) {
  auto result = decode_fields(R"(["a", {"field": "b", "type": "varchar"}])");
  ASSERT_TRUE(std::holds_alternative<decode_failure>(result));
  EXPECT_THAT(std::get<decode_failure>(result).message, HasSubstr("fields[1]"));
  EXPECT_THAT(std::get<decode_failure>(result).message, HasSubstr("'varchar'"));
}

// --- merging within one event ---------------------------------------------------------------

TEST(FilterDecoderMerge, AFieldCountsOnceWithKindsOred) {
  EXPECT_THAT(fields_of(R"({"must": [{"key": "a", "match": {"value": 1}}],
                            "should": [{"key": "a", "range": {"gt": 0}},
                                       {"key": "a", "match": {"any": [1, 2]}}],
                            "must_not": [{"key": "a", "match": {"value": 3}}]})"),
              ElementsAre(obs("a", T::integer, {K::match, K::range, K::any})));
}

TEST(FilterDecoderMerge, KnownTypeBeatsUnknown) {
  EXPECT_THAT(
      fields_of(R"({"must": [{"is_null": {"key": "a"}}, {"key": "a", "match": {"value": "x"}}]})"),
      ElementsAre(obs("a", T::keyword, {K::is_null, K::match})));
  EXPECT_THAT(
      fields_of(R"({"must": [{"key": "a", "match": {"value": "x"}}, {"is_null": {"key": "a"}}]})"),
      ElementsAre(obs("a", T::keyword, {K::match, K::is_null})));
}

TEST(FilterDecoderMerge, IntegerAndFloatWidenToFloat) {
  EXPECT_THAT(
      fields_of(
          R"({"must": [{"key": "p", "range": {"gt": 1}}, {"key": "p", "range": {"lt": 2.5}}]})"),
      ElementsAre(obs("p", T::float_, {K::range})));
  EXPECT_THAT(fields_of(R"({"AND": [{"p": {"lt": 2.5}}, {"p": 1}]})"),
              ElementsAre(obs("p", T::float_, {K::range, K::match})));
}

TEST(FilterDecoderMerge, KeywordAndUuidWidenToKeyword) {
  EXPECT_THAT(fields_of(R"({"OR": [{"id": "550e8400-e29b-41d4-a716-446655440000"}, {"id": "x"}]})"),
              ElementsAre(obs("id", T::keyword, {K::match})));
}

TEST(FilterDecoderMerge, ConflictingKnownTypesKeepTheFirst) {
  EXPECT_THAT(fields_of(R"({"OR": [{"v": "x"}, {"v": 1}, {"v": true}]})"),
              ElementsAre(obs("v", T::keyword, {K::match})));
  EXPECT_THAT(fields_of(R"({"OR": [{"v": {"text": "x"}}, {"v": {"starts_with": "y"}}]})"),
              ElementsAre(obs("v", T::text, {K::text, K::prefix})));
}

TEST(FilterDecoderMerge, NestedPathsAreDistinctFromPlainOnes) {
  EXPECT_THAT(fields_of(R"({"must": [{"key": "a.b", "match": {"value": 1}},
        {"nested": {"key": "a", "filter": {"must": {"key": "b", "match": {"value": 2}}}}},
        {"key": "a[].b", "range": {"gt": 0}}]})"),
              ElementsAre(obs("a.b", T::integer, {K::match}),
                          obs("a[].b", T::integer, {K::match, K::range})));
}

TEST(FilterDecoderMerge, OrderIsFirstAppearance) {
  EXPECT_THAT(fields_of(R"({"AND": [{"c": 1}, {"a": 1}, {"c": 2}, {"b": 1}]})"),
              ElementsAre(obs("c", T::integer, {K::match}), obs("a", T::integer, {K::match}),
                          obs("b", T::integer, {K::match})));
}

// --- limits -----------------------------------------------------------------------------

TEST(FilterDecoderLimits, ValueLongerThanMaxValueBytesIsTooLarge) {
  decode_limits limits;
  limits.max_value_bytes = 64;
  const std::string at_limit = R"({"a": ")" + std::string(64 - 9, 'x') + "\"}";
  ASSERT_EQ(at_limit.size(), 64u);
  EXPECT_THAT(fields_of(at_limit, limits), ElementsAre(obs("a", T::keyword, {K::match})));
  EXPECT_EQ(reason_of(at_limit + " ", limits), decode_reason::too_large);
  EXPECT_EQ(event_reason({{"namespace", "n"}, {"fields", std::string(65, ' ')}}, limits),
            decode_reason::too_large);
}

TEST(FilterDecoderLimits, DefaultMaxValueBytesIs64KiB) {
  const std::string big = R"({"a": ")" + std::string(64 * 1024, 'x') + "\"}";
  EXPECT_EQ(reason_of(big), decode_reason::too_large);
}

TEST(FilterDecoderLimits, NestingDeeperThanMaxDepthIsTooDeep) {
  decode_limits limits;
  limits.max_depth = 4;
  // Depth 4: object, array, object, object.
  EXPECT_THAT(fields_of(R"({"must": [{"key": "a", "match": {"value": 1}}]})", limits),
              ElementsAre(obs("a", T::integer, {K::match})));
  EXPECT_EQ(reason_of(R"({"must": [{"key": "a", "match": {"any": [1]}}]})", limits),
            decode_reason::too_deep);
}

TEST(FilterDecoderLimits, DefaultDepthRejectsDeepNesting) {
  std::string deep;
  for (int i = 0; i < 40; ++i)
    deep += R"({"NOT": )";
  deep += R"({"a": 1})";
  for (int i = 0; i < 40; ++i)
    deep += "}";
  EXPECT_EQ(reason_of(deep), decode_reason::too_deep);
  EXPECT_EQ(event_reason({{"namespace", "n"}, {"filter", deep}}), decode_reason::too_deep);
}

TEST(FilterDecoderLimits, MoreConditionsThanMaxConditionsIsTooMany) {
  decode_limits limits;
  limits.max_conditions = 10;
  EXPECT_EQ(fields_of(qdrant_filter_with(10), limits).size(), 10u);
  EXPECT_EQ(reason_of(qdrant_filter_with(11), limits), decode_reason::too_many_conditions);
  EXPECT_EQ(reason_of(qdrant_filter_with(257)), decode_reason::too_many_conditions);
  EXPECT_EQ(fields_of(qdrant_filter_with(256)).size(), 256u);
}

TEST(FilterDecoderLimits, ConditionsWithoutFieldsCount) {
  decode_limits limits;
  limits.max_conditions = 2;
  EXPECT_EQ(
      reason_of(R"({"must": [{"has_id": [1]}, {"has_vector": "v"}, {"has_id": [2]}]})", limits),
      decode_reason::too_many_conditions);
}

TEST(FilterDecoderLimits, MixpeekComparisonsAndGroupsCount) {
  decode_limits limits;
  limits.max_conditions = 3;
  EXPECT_THAT(fields_of(R"({"AND": [{"a": 1}, {"b": {"gt": 1}}]})", limits), testing::SizeIs(2));
  EXPECT_EQ(reason_of(R"({"AND": [{"a": 1}, {"b": {"gt": 1, "lt": 5}}]})", limits),
            decode_reason::too_many_conditions);
  EXPECT_EQ(reason_of(R"({"a": 1, "b": 2, "c": 3, "d": 4})", limits),
            decode_reason::too_many_conditions);
}

TEST(FilterDecoderLimits, FieldListEntriesCount) {
  decode_limits limits;
  limits.max_conditions = 2;
  EXPECT_EQ(field_list_reason(R"(["a", "b", "c"])", limits), decode_reason::too_many_conditions);
}

TEST(FilterDecoderLimits, FieldPathLongerThanMaxIsInvalidField) {
  const std::string at_limit(255, 'p');
  EXPECT_THAT(fields_of(R"({")" + at_limit + R"(": 1})"),
              ElementsAre(obs(at_limit, T::integer, {K::match})));
  EXPECT_EQ(reason_of(R"({")" + at_limit + R"(x": 1})"), decode_reason::invalid_field);
  EXPECT_EQ(field_list_reason(R"([")" + at_limit + R"(x"])"), decode_reason::invalid_field);
}

TEST(FilterDecoderLimits, ComposedNestedPathCountsTowardsTheLimit) {
  decode_limits limits;
  limits.max_field_path = 8;
  // "a[].bcde" is 8 bytes, "a[].bcdef" 9.
  EXPECT_THAT(fields_of(R"({"must": {"nested": {"key": "a", "filter": {"must": {"key": "bcde",
                            "is_null": true}}}}})",
                        limits),
              ElementsAre(obs("a[].bcde", T::unknown, {K::is_null})));
  EXPECT_EQ(reason_of(R"({"must": {"nested": {"key": "a", "filter": {"must": {"key": "bcdef",
                          "is_null": true}}}}})",
                      limits),
            decode_reason::invalid_field);
}

TEST(FilterDecoderLimits, EmptyOrControlCharacterFieldNamesAreInvalid) {
  EXPECT_EQ(reason_of(R"({"must": {"key": "", "match": {"value": 1}}})"),
            decode_reason::invalid_field);
  EXPECT_EQ(reason_of(R"({"": 1})"), decode_reason::invalid_field);
  EXPECT_EQ(reason_of(R"({"a\nb": 1})"), decode_reason::invalid_field);
  EXPECT_EQ(reason_of(R"({"must": {"is_empty": {"key": "a\u0000"}}})"),
            decode_reason::invalid_field);
}

TEST(FilterDecoderLimits, LongValuesInMessagesAreCut) {
  const std::string long_name(300, 'q');
  const decode_failure failure = failure_of(R"({")" + long_name + R"(": 1})");
  EXPECT_EQ(failure.reason, decode_reason::invalid_field);
  EXPECT_LT(failure.message.size(), 200u);
  EXPECT_THAT(failure.message, HasSubstr("...'"));
}

// --- the sample filter ---------------------------------------------------------------------

TEST(FilterDecoderSample, WhitespaceOutsideStringsIsDropped) {
  const decoded_event event = event_of(
      {{"namespace", "n"}, {"filter", "{ \"a b\" :\n\t\"x \\\" y\" ,\r\n \"c\" : [ 1 , 2 ] }"}});
  EXPECT_EQ(event.sample_filter, R"({"a b":"x \" y","c":[1,2]})");
  EXPECT_FALSE(event.sample_truncated);
}

TEST(FilterDecoderSample, LongFiltersAreTruncatedAndFlagged) {
  decode_limits limits;
  limits.max_sample_bytes = 10;
  const decoded_event event =
      event_of({{"namespace", "n"}, {"filter", R"({"abcdefgh": 123})"}}, limits);
  EXPECT_EQ(event.sample_filter, R"({"abcdefgh)");
  EXPECT_TRUE(event.sample_truncated);
  // Exactly at the limit (after compaction) is not truncated.
  const decoded_event exact =
      event_of({{"namespace", "n"}, {"filter", R"( {"abc": 12}  )"}}, limits);
  EXPECT_EQ(exact.sample_filter, R"({"abc":12})");
  EXPECT_FALSE(exact.sample_truncated);
}

TEST(FilterDecoderSample, TruncationKeepsWholeUtf8Characters) {
  decode_limits limits;
  limits.max_sample_bytes = 7;
  // {"a":"é  — the 2-byte é would straddle byte 7.
  const decoded_event event =
      event_of({{"namespace", "n"}, {"filter", "{\"ab\":\"\xc3\xa9\"}"}}, limits);
  EXPECT_EQ(event.sample_filter, "{\"ab\":\"");
  EXPECT_TRUE(event.sample_truncated);
}

// --- decoder reuse -----------------------------------------------------------------------

TEST(FilterDecoderReuse, OneDecoderDecodesManyEventsIndependently) {
  event_decoder decoder;
  decoded_event event;
  const std::vector<entry_field> first{
      {"namespace", "ns_1"},
      {"filter",
       R"({"must": [{"key": "a", "match": {"value": "x"}}, {"key": "b", "range": {"gt": 1}}]})"},
      {"latency_ms", "3"}};
  const std::vector<entry_field> bad{{"namespace", "ns_2"}, {"filter", "{"}};
  const std::vector<entry_field> second{{"namespace", "ns_3"}, {"filter", R"({"c": true})"}};

  ASSERT_EQ(decoder.decode(first, 1, event), std::nullopt);
  EXPECT_THAT(event.fields,
              ElementsAre(obs("a", T::keyword, {K::match}), obs("b", T::integer, {K::range})));
  const auto failed = decoder.decode(bad, 2, event);
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->reason, decode_reason::invalid_json);
  ASSERT_EQ(decoder.decode(second, 3, event), std::nullopt);
  EXPECT_EQ(event.namespace_ref, "ns_3");
  EXPECT_EQ(event.ts_ms, 3);
  EXPECT_EQ(event.latency_ms, std::nullopt);
  EXPECT_THAT(event.fields, ElementsAre(obs("c", T::bool_, {K::match})));
  EXPECT_EQ(event.sample_filter, R"({"c":true})");
}

TEST(FilterDecoderReuse, FiltersLargerThanTheArenaDecode) {
  event_decoder decoder;
  decoded_filter filter;
  for (int round = 0; round < 3; ++round) {
    ASSERT_EQ(decoder.decode_filter(qdrant_filter_with(250), filter), std::nullopt);
    EXPECT_EQ(filter.fields.size(), 250u);
    ASSERT_EQ(decoder.decode_filter(R"({"x": 1})", filter), std::nullopt);
    EXPECT_THAT(filter.fields, ElementsAre(obs("x", T::integer, {K::match})));
  }
}

// --- names --------------------------------------------------------------------------------

TEST(FilterDecoderNames, DecodeReasonsAreDistinctSnakeCaseAndRoundTrip) {
  std::set<std::string_view> seen;
  for (const decode_reason reason : index_optimizer::k_all_decode_reasons) {
    const std::string_view name = to_string(reason);
    EXPECT_TRUE(seen.insert(name).second) << name;
    EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string_view::npos);
    EXPECT_EQ(index_optimizer::parse_decode_reason(name), reason);
  }
  EXPECT_EQ(to_string(decode_reason::unrecognised_filter), "unrecognised_filter");
  EXPECT_EQ(index_optimizer::parse_decode_reason("nope"), std::nullopt);
}

TEST(FilterDecoderNames, ConditionKindsAreDistinctBitsAndRoundTrip) {
  index_optimizer::condition_kinds all = 0;
  for (const K kind : index_optimizer::k_all_condition_kinds) {
    EXPECT_EQ(all & index_optimizer::bit(kind), 0) << to_string(kind);
    all |= index_optimizer::bit(kind);
    EXPECT_EQ(index_optimizer::parse_condition_kind(to_string(kind)), kind);
  }
  EXPECT_EQ(index_optimizer::format_condition_kinds(index_optimizer::bit(K::match) |
                                                    index_optimizer::bit(K::range)),
            "match,range");
  EXPECT_EQ(index_optimizer::format_condition_kinds(0), "");
}

TEST(FilterDecoderNames, DialectNames) {
  EXPECT_EQ(to_string(filter_dialect::qdrant), "qdrant");
  EXPECT_EQ(to_string(filter_dialect::mixpeek), "mixpeek");
  EXPECT_EQ(to_string(filter_dialect::field_list), "field_list");
  EXPECT_EQ(to_string(filter_dialect::empty), "empty");
}

// --- robustness --------------------------------------------------------------------------

// Corrupted filters of both dialects: each decode ends in either fields or a failure with a
// reason and a message, never a crash (run under the sanitizer build to catch memory errors).
TEST(FilterDecoderRobustness, MutatedFiltersDecodeOrFailWithAReason) {
  const std::vector<std::string> seeds{
      R"({"must": [{"key": "a", "match": {"any": ["x", "y"]}}, {"nested": {"key": "n",
          "filter": {"should": {"key": "b", "range": {"gte": "2024-01-01T00:00:00Z"}}}}}],
          "min_should": {"conditions": [{"is_null": {"key": "c"}}], "min_count": 1}})",
      R"({"AND": [{"field": "s", "operator": "in", "value": ["a", "{{INPUT.x}}"]},
          {"OR": [{"p": {"$gte": 1, "lt": 9.5}}, {"NOT": {"t": {"type": "dynamic", "field": "i"}}}]}],
          "case_sensitive": true})",
      R"(["a", {"field": "b", "type": "uuid", "kinds": ["match", "any"]}])"};
  const std::string alphabet = "{}[]\":,\\ 0123456789.-eE+tfnulrsaAND$";
  std::uint64_t state = 0x9e3779b97f4a7c15;
  const auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  event_decoder decoder;
  decoded_filter out;
  std::size_t decoded = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text = seeds[next() % seeds.size()];
    const auto edits = 1 + next() % 4;
    for (std::uint64_t e = 0; e < edits && !text.empty(); ++e) {
      const auto pos = next() % text.size();
      switch (next() % 3) {
        case 0:
          text[pos] = alphabet[next() % alphabet.size()];
          break;
        case 1:
          text.erase(pos, 1 + next() % 8);
          break;
        default:
          text.insert(pos, 1, alphabet[next() % alphabet.size()]);
      }
    }
    const bool as_fields = text.front() == '[' && next() % 2 == 0;
    const auto failure =
        as_fields ? decoder.decode_fields(text, out) : decoder.decode_filter(text, out);
    if (failure) {
      EXPECT_FALSE(failure->message.empty()) << text;
      EXPECT_NE(failure->reason, decode_reason::unknown_namespace) << text;
    } else {
      ++decoded;
      for (const field_observation& field : out.fields)
        EXPECT_FALSE(field.path.empty()) << text;
    }
  }
  // Some corrupted filters must stay decodable (about 3% do), or the test only exercises the
  // JSON parser.
  EXPECT_GT(decoded, 20u);
}

}  // namespace
