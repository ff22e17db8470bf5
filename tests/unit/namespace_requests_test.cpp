#include "namespace_model/namespace_requests.hpp"
#include "namespace_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace index_optimizer {
namespace {

using testing::idx;
using testing::json;
using testing::k_spec_create;
using testing::loc;

// The errors of a request that must fail.
template <class T>
std::vector<validation_error> errors_of(const validation_result<T>& result) {
  EXPECT_FALSE(result.ok());
  return result.ok() ? std::vector<validation_error>{} : result.errors();
}

std::vector<validation_error> patch_errors(std::string_view body) {
  return errors_of(parse_patch_namespace_request(body));
}

// A PATCH with one payload index entry, for the PayloadIndexConfig rules.
std::vector<validation_error> index_errors(std::string_view entry) {
  return patch_errors(R"({"payload_indexes": [)" + std::string(entry) + "]}");
}

error_location entry_loc(std::initializer_list<testing::location_part> rest) {
  error_location l = loc({"body", "payload_indexes", idx(0)});
  l.insert(l.end(), rest.begin(), rest.end());
  return l;
}

TEST(NamespaceRequests, SpecPatchExampleRoundTrips) {
  const auto example = json(R"({"namespace_name": "spotify_playlists_prod",
                                "auto_create_indexes": true})");
  const auto parsed = parse_patch_namespace_request(boost::json::serialize(example));
  ASSERT_TRUE(parsed.ok()) << parsed.errors().front();
  EXPECT_EQ(parsed.value().namespace_name, "spotify_playlists_prod");
  EXPECT_EQ(parsed.value().auto_create_indexes, true);
  EXPECT_FALSE(parsed.value().description.has_value());
  EXPECT_FALSE(parsed.value().payload_indexes.has_value());
  EXPECT_EQ(to_json(parsed.value()), example);
}

TEST(NamespaceRequests, SpecCreateExampleParsesAndRoundTrips) {
  const auto parsed = parse_create_namespace_request(k_spec_create);
  ASSERT_TRUE(parsed.ok()) << parsed.errors().front();
  const auto& request = parsed.value();
  EXPECT_EQ(request.namespace_name, "spotify_playlists_dev");
  EXPECT_EQ(request.type, namespace_type::standard);
  EXPECT_TRUE(request.auto_create_indexes);
  ASSERT_TRUE(request.payload_indexes.has_value());
  ASSERT_EQ(request.payload_indexes->size(), 2U);
  EXPECT_EQ((*request.payload_indexes)[0].type, index_type::text);
  // Normalised to BaseFeatureExtractorModel-Output; the ids equal the example's.
  EXPECT_EQ(request.feature_extractors, json(R"([
      {"feature_extractor_name": "multimodal_extractor", "version": "v1", "params": null,
       "feature_extractor_id": "multimodal_extractor_v1"},
      {"feature_extractor_name": "image_extractor", "version": "v1",
       "params": {"model": "siglip_base"}, "feature_extractor_id": "image_extractor_v1"}])"));

  auto example = json(k_spec_create).as_object();
  const auto emitted = to_json(request);
  EXPECT_EQ(emitted.at("payload_indexes"), example.at("payload_indexes"));
  const auto again = validate_create_namespace_request(emitted);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), request);
}

TEST(NamespaceRequests, SpecUpdateExampleRoundTrips) {
  const auto example = json(R"({"namespace_name": "spotify_playlists_dev", "payload_indexes": [
      {"field_name": "metadata.title",
       "field_schema": {"lowercase": true, "max_token_len": 15, "min_token_len": 2,
                        "tokenizer": "word", "type": "text"},
       "is_protected": false, "type": "text"},
      {"field_name": "metadata.description",
       "field_schema": {"is_tenant": false, "type": "keyword"},
       "is_protected": false, "type": "keyword"}]})");
  const auto parsed = validate_update_namespace_request(example);
  ASSERT_TRUE(parsed.ok()) << parsed.errors().front();
  EXPECT_EQ(to_json(parsed.value()), example);
}

TEST(NamespaceRequests, SpecPayloadIndexConfigExamplesParseWithTheirAnnotationDropped) {
  const auto parsed = validate_patch_namespace_request(json(R"js({"payload_indexes": [
      {"description": "User-created text index for full-text search",
       "field_name": "metadata.description", "is_protected": false, "type": "text"},
      {"description": "User-created keyword index for exact filtering",
       "field_name": "user_id", "is_protected": false, "type": "keyword"},
      {"description": "System-managed protected index (created automatically)",
       "field_name": "internal_id", "field_schema": {"is_tenant": true},
       "is_protected": true, "type": "keyword"}]})js"));
  ASSERT_TRUE(parsed.ok()) << parsed.errors().front();
  const auto& indexes = *parsed.value().payload_indexes;
  ASSERT_EQ(indexes.size(), 3U);
  EXPECT_EQ(to_api_json(indexes[2]), json(R"({"field_name": "internal_id", "type": "keyword",
                     "field_schema": {"is_tenant": true}, "is_protected": true})"));
}

TEST(NamespaceRequests, SpecListExamplesParse) {
  const auto by_id = parse_list_namespaces_request(
      R"({"filters": {"namespace_id": "ns_abc123"},
          "sort": {"direction": "asc", "field": "namespace_name"}})");
  ASSERT_TRUE(by_id.ok()) << by_id.errors().front();
  EXPECT_EQ(by_id.value().filters, json(R"({"namespace_id": "ns_abc123"})").as_object());
  EXPECT_EQ(by_id.value().sort, (namespace_sort{"namespace_name", false}));
  EXPECT_FALSE(by_id.value().case_sensitive);

  const auto search = parse_list_namespaces_request(R"({"search": "ns_abc123"})");
  ASSERT_TRUE(search.ok());
  EXPECT_EQ(search.value().search, "ns_abc123");
  EXPECT_EQ(to_json(search.value()), json(R"({"search": "ns_abc123", "case_sensitive": false})"));
}

TEST(NamespaceRequests, ListBodyIsOptional) {
  const auto empty = parse_list_namespaces_request("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty.value(), list_namespaces_request{});
  EXPECT_TRUE(parse_list_namespaces_request(" \n").ok());
}

TEST(NamespaceRequests, ListRejectsBadFiltersSortAndFlags) {
  const auto errors = errors_of(parse_list_namespaces_request(
      R"({"filters": "name", "sort": {"field": "size", "direction": "up", "nulls": "last"},
          "search": 5, "case_sensitive": "yes"})"));
  const std::vector<validation_error> expected{
      {"dict_type", loc({"body", "filters"}), "Input should be a valid dictionary"},
      {"enum", loc({"body", "sort", "field"}),
       "Input should be 'namespace_id', 'namespace_name', 'description', 'created_at' or "
       "'updated_at'"},
      {"enum", loc({"body", "sort", "direction"}), "Input should be 'asc' or 'desc'"},
      {"extra_forbidden", loc({"body", "sort", "nulls"}), "Extra inputs are not permitted"},
      {"string_type", loc({"body", "search"}), "Input should be a valid string"},
      {"bool_type", loc({"body", "case_sensitive"}), "Input should be a valid boolean"},
  };
  EXPECT_EQ(errors, expected);
}

TEST(NamespaceRequests, BodyThatIsNotJsonIsJsonInvalidAtItsOffset) {
  EXPECT_EQ(patch_errors(R"({"namespace_name": })"),
            (std::vector<validation_error>{
                {"json_invalid", loc({"body", idx(19)}), "JSON decode error"}}));
  // Truncated input fails at its end; trailing garbage where it starts.
  EXPECT_EQ(patch_errors(R"({"a": 1)")[0].location, loc({"body", idx(7)}));
  EXPECT_EQ(patch_errors(R"({} x)")[0].type, "json_invalid");
  EXPECT_EQ(errors_of(parse_list_namespaces_request("nope"))[0].type, "json_invalid");
}

TEST(NamespaceRequests, EmptyBodyIsMissing) {
  EXPECT_EQ(patch_errors(""),
            (std::vector<validation_error>{{"missing", loc({"body"}), "Field required"}}));
  EXPECT_EQ(errors_of(parse_create_namespace_request("  "))[0].type, "missing");
}

TEST(NamespaceRequests, BodyThatIsNotAnObjectIsRejected) {
  for (const auto* body : {"[]", "null", "3", R"("x")"}) {
    EXPECT_EQ(patch_errors(body),
              (std::vector<validation_error>{
                  {"model_attributes_type", loc({"body"}),
                   "Input should be a valid dictionary or object to extract fields from"}}))
        << body;
  }
}

TEST(NamespaceRequests, PatchFieldsAreAllOptionalAndNullable) {
  const auto empty = parse_patch_namespace_request("{}");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty.value(), patch_namespace_request{});

  const auto nulls = parse_patch_namespace_request(
      R"({"namespace_name": null, "description": null, "payload_indexes": null,
          "auto_create_indexes": null, "infrastructure": null})");
  ASSERT_TRUE(nulls.ok());
  EXPECT_EQ(nulls.value(), patch_namespace_request{});
}

TEST(NamespaceRequests, WrongJsonTypesAreReportedPerField) {
  const auto errors = patch_errors(
      R"({"namespace_name": 5, "description": [], "payload_indexes": {},
          "auto_create_indexes": "yes", "infrastructure": "shared"})");
  const std::vector<validation_error> expected{
      {"string_type", loc({"body", "namespace_name"}), "Input should be a valid string"},
      {"string_type", loc({"body", "description"}), "Input should be a valid string"},
      {"list_type", loc({"body", "payload_indexes"}), "Input should be a valid list"},
      {"bool_type", loc({"body", "auto_create_indexes"}), "Input should be a valid boolean"},
      {"model_attributes_type", loc({"body", "infrastructure"}),
       "Input should be a valid dictionary or object to extract fields from"},
  };
  EXPECT_EQ(errors, expected);
}

TEST(NamespaceRequests, NamespaceNameIsThreeToSixtyFourCharacters) {
  EXPECT_EQ(patch_errors(R"({"namespace_name": "ab"})"),
            (std::vector<validation_error>{{"string_too_short", loc({"body", "namespace_name"}),
                                            "String should have at least 3 characters"}}));
  EXPECT_EQ(patch_errors(R"({"namespace_name": ")" + std::string(65, 'n') + R"("})"),
            (std::vector<validation_error>{{"string_too_long", loc({"body", "namespace_name"}),
                                            "String should have at most 64 characters"}}));
  EXPECT_TRUE(parse_patch_namespace_request(R"({"namespace_name": "abc"})").ok());
  EXPECT_TRUE(
      parse_patch_namespace_request(R"({"namespace_name": ")" + std::string(64, 'n') + R"("})")
          .ok());
  // Characters, not bytes: three two-byte characters are long enough.
  EXPECT_TRUE(parse_patch_namespace_request(R"({"namespace_name": "ééé"})").ok());
}

TEST(NamespaceRequests, UnknownFieldsAreExtraForbidden) {
  EXPECT_EQ(patch_errors(R"({"auto_create_index": true})"),
            (std::vector<validation_error>{{"extra_forbidden", loc({"body", "auto_create_index"}),
                                            "Extra inputs are not permitted"}}));
  // A client echoing a GET learns which fields are read-only.
  EXPECT_EQ(patch_errors(R"({"namespace_id": "ns_1", "created_at": null})"),
            (std::vector<validation_error>{
                {"extra_forbidden", loc({"body", "namespace_id"}),
                 "Extra inputs are not permitted: 'namespace_id' is read-only"},
                {"extra_forbidden", loc({"body", "created_at"}),
                 "Extra inputs are not permitted: 'created_at' is read-only"}}));
  EXPECT_EQ(index_errors(R"({"field_name": "a", "type": "keyword", "unique": true})"),
            (std::vector<validation_error>{
                {"extra_forbidden", entry_loc({"unique"}), "Extra inputs are not permitted"}}));
}

TEST(NamespaceRequests, ClientsCannotWriteStorageOnlyFields) {
  EXPECT_EQ(
      index_errors(
          R"({"field_name": "a", "type": "keyword", "auto_created": {"at": "2024-01-15T10:30:00Z"}})")
          .at(0),
      (validation_error{"extra_forbidden", entry_loc({"auto_created"}),
                        "Extra inputs are not permitted"}));
}

TEST(NamespaceRequests, PayloadIndexRequiresFieldNameAndType) {
  EXPECT_EQ(index_errors("{}"),
            (std::vector<validation_error>{{"missing", entry_loc({"field_name"}), "Field required"},
                                           {"missing", entry_loc({"type"}), "Field required"}}));
  EXPECT_EQ(index_errors("5"),
            (std::vector<validation_error>{
                {"model_attributes_type", entry_loc({}),
                 "Input should be a valid dictionary or object to extract fields from"}}));
}

TEST(NamespaceRequests, PayloadIndexWrongTypes) {
  EXPECT_EQ(index_errors(R"({"field_name": 1, "type": "keyword", "field_schema": "keyword",
                             "is_protected": "no"})"),
            (std::vector<validation_error>{
                {"string_type", entry_loc({"field_name"}), "Input should be a valid string"},
                {"model_attributes_type", entry_loc({"field_schema"}),
                 "Input should be a valid dictionary or object to extract fields from"},
                {"bool_type", entry_loc({"is_protected"}), "Input should be a valid boolean"}}));
  EXPECT_EQ(index_errors(R"({"field_name": "a", "type": "keyword", "is_protected": null})")[0].type,
            "bool_type");
}

TEST(NamespaceRequests, UnknownIndexTypeIsAnEnumError) {
  EXPECT_EQ(index_errors(R"({"field_name": "a", "type": "string"})"),
            (std::vector<validation_error>{
                {"enum", entry_loc({"type"}),
                 "Input should be 'keyword', 'integer', 'float', 'bool', 'geo', 'datetime', "
                 "'text' or 'uuid'"}}));
  EXPECT_EQ(index_errors(R"({"field_name": "a", "type": null})")[0].type, "enum");
}

TEST(NamespaceRequests, FieldNameIsOneTo255Characters) {
  EXPECT_EQ(index_errors(R"({"field_name": "", "type": "keyword"})"),
            (std::vector<validation_error>{{"string_too_short", entry_loc({"field_name"}),
                                            "String should have at least 1 character"}}));
  EXPECT_EQ(
      index_errors(R"({"field_name": ")" + std::string(256, 'f') + R"(", "type": "keyword"})"),
      (std::vector<validation_error>{{"string_too_long", entry_loc({"field_name"}),
                                      "String should have at most 255 characters"}}));
  EXPECT_TRUE(parse_patch_namespace_request(R"({"payload_indexes": [{"field_name": ")" +
                                            std::string(255, 'f') + R"(", "type": "keyword"}]})")
                  .ok());
  std::string wide;
  for (int i = 0; i < 255; ++i)
    wide += "é";
  EXPECT_TRUE(parse_patch_namespace_request(R"({"payload_indexes": [{"field_name": ")" + wide +
                                            R"(", "type": "keyword"}]})")
                  .ok());
}

TEST(NamespaceRequests, DuplicateFieldNamesAreAValueErrorOnTheRepeat) {
  const auto errors = patch_errors(R"({"payload_indexes": [
      {"field_name": "a", "type": "keyword"}, {"field_name": "b", "type": "integer"},
      {"field_name": "a", "type": "text"}]})");
  EXPECT_EQ(errors, (std::vector<validation_error>{
                        {"value_error", loc({"body", "payload_indexes", idx(2), "field_name"}),
                         "Value error, duplicate field_name 'a' (first at index 0)"}}));
}

TEST(NamespaceRequests, FieldSchemaTypeMustMatchTheIndexType) {
  EXPECT_EQ(index_errors(R"({"field_name": "a", "type": "text",
                             "field_schema": {"type": "keyword"}})"),
            (std::vector<validation_error>{
                {"value_error", entry_loc({"field_schema", "type"}),
                 "Value error, field_schema.type 'keyword' does not match type 'text'"}}));
  EXPECT_EQ(index_errors(R"({"field_name": "a", "type": "text",
                             "field_schema": {"type": "fulltext"}})")[0]
                .type,
            "enum");
  EXPECT_EQ(
      index_errors(R"({"field_name": "a", "type": "text", "field_schema": {"type": 1}})")[0].type,
      "string_type");
  // Present and equal, or absent, are both fine.
  EXPECT_TRUE(parse_patch_namespace_request(
                  R"({"payload_indexes": [{"field_name": "a", "type": "text",
                                          "field_schema": {"type": "text"}},
                                         {"field_name": "b", "type": "text",
                                          "field_schema": {"lowercase": false}}]})")
                  .ok());
}

TEST(NamespaceRequests, ParamsOfAnotherIndexTypeAreExtraForbidden) {
  EXPECT_EQ(index_errors(R"({"field_name": "a", "type": "keyword",
                             "field_schema": {"tokenizer": "word"}})"),
            (std::vector<validation_error>{
                {"extra_forbidden", entry_loc({"field_schema", "tokenizer"}),
                 "Extra inputs are not permitted: 'tokenizer' is not a parameter of keyword "
                 "indexes (only text)"}}));
  EXPECT_EQ(index_errors(R"({"field_name": "a", "type": "keyword",
                             "field_schema": {"bogus": 1}})"),
            (std::vector<validation_error>{{"extra_forbidden", entry_loc({"field_schema", "bogus"}),
                                            "Extra inputs are not permitted"}}));
}

TEST(NamespaceRequests, IsTenantOnlyOnKeywordAndUuid) {
  for (const auto* type : {"keyword", "uuid"}) {
    EXPECT_TRUE(parse_patch_namespace_request(
                    std::string(R"({"payload_indexes": [{"field_name": "t", "type": ")") + type +
                    R"(", "field_schema": {"is_tenant": true}}]})")
                    .ok())
        << type;
  }
  for (const auto* type : {"integer", "float", "bool", "geo", "datetime", "text"}) {
    const auto errors = index_errors(std::string(R"({"field_name": "t", "type": ")") + type +
                                     R"(", "field_schema": {"is_tenant": true}})");
    EXPECT_EQ(errors, (std::vector<validation_error>{
                          {"extra_forbidden", entry_loc({"field_schema", "is_tenant"}),
                           "Extra inputs are not permitted: 'is_tenant' is not a parameter of " +
                               std::string(type) + " indexes (only keyword, uuid)"}}))
        << type;
  }
}

TEST(NamespaceRequests, IsPrincipalOnlyOnIntegerFloatAndDatetime) {
  for (const auto* type : {"integer", "float", "datetime"}) {
    EXPECT_TRUE(parse_patch_namespace_request(
                    std::string(R"({"payload_indexes": [{"field_name": "p", "type": ")") + type +
                    R"(", "field_schema": {"is_principal": true}}]})")
                    .ok())
        << type;
  }
  for (const auto* type : {"keyword", "bool", "geo", "text", "uuid"}) {
    const auto errors = index_errors(std::string(R"({"field_name": "p", "type": ")") + type +
                                     R"(", "field_schema": {"is_principal": true}})");
    ASSERT_EQ(errors.size(), 1U) << type;
    EXPECT_EQ(errors[0].type, "extra_forbidden");
    EXPECT_EQ(errors[0].location, entry_loc({"field_schema", "is_principal"}));
  }
}

TEST(NamespaceRequests, TokenizerMustBeOneOfQdrantsTokenizers) {
  EXPECT_EQ(index_errors(R"({"field_name": "a", "type": "text",
                             "field_schema": {"tokenizer": "ngram"}})"),
            (std::vector<validation_error>{
                {"enum", entry_loc({"field_schema", "tokenizer"}),
                 "Input should be 'word', 'whitespace', 'prefix' or 'multilingual'"}}));
  // Qdrant's tokenizer is not nullable (unlike its other params).
  EXPECT_EQ(index_errors(R"({"field_name": "a", "type": "text",
                             "field_schema": {"tokenizer": null}})")[0]
                .type,
            "enum");
}

TEST(NamespaceRequests, TokenLengthsAreNonNegativeIntegersWithMinNotAboveMax) {
  EXPECT_EQ(index_errors(R"({"field_name": "a", "type": "text",
                             "field_schema": {"min_token_len": 5, "max_token_len": 3}})"),
            (std::vector<validation_error>{
                {"value_error", entry_loc({"field_schema"}),
                 "Value error, min_token_len (5) must not exceed max_token_len (3)"}}));
  EXPECT_EQ(index_errors(R"({"field_name": "a", "type": "text",
                             "field_schema": {"min_token_len": -1}})"),
            (std::vector<validation_error>{{"greater_than_equal",
                                            entry_loc({"field_schema", "min_token_len"}),
                                            "Input should be greater than or equal to 0"}}));
  EXPECT_EQ(index_errors(R"({"field_name": "a", "type": "text",
                             "field_schema": {"max_token_len": "15"}})")[0]
                .type,
            "int_type");
  EXPECT_EQ(index_errors(R"({"field_name": "a", "type": "text",
                             "field_schema": {"max_token_len": 2.5}})")[0]
                .type,
            "int_from_float");
  EXPECT_EQ(index_errors(R"({"field_name": "a", "type": "text",
                             "field_schema": {"max_token_len": true}})")[0]
                .type,
            "int_type");
  EXPECT_TRUE(parse_patch_namespace_request(
                  R"({"payload_indexes": [{"field_name": "a", "type": "text",
                      "field_schema": {"min_token_len": 3, "max_token_len": 3.0}}]})")
                  .ok());
}

TEST(NamespaceRequests, IntegerIndexCannotDisableBothLookupAndRange) {
  EXPECT_EQ(index_errors(R"({"field_name": "n", "type": "integer",
                             "field_schema": {"lookup": false, "range": false}})")[0]
                .type,
            "value_error");
  EXPECT_TRUE(parse_patch_namespace_request(
                  R"({"payload_indexes": [{"field_name": "n", "type": "integer",
                      "field_schema": {"lookup": false, "range": true}}]})")
                  .ok());
}

TEST(NamespaceRequests, QdrantOnlyParamsAreCheckedToo) {
  EXPECT_TRUE(parse_patch_namespace_request(R"({"payload_indexes": [
      {"field_name": "a", "type": "keyword",
       "field_schema": {"on_disk": true, "memory": "cached", "enable_hnsw": false,
                        "prefix": true, "is_tenant": null}},
      {"field_name": "b", "type": "text",
       "field_schema": {"ascii_folding": true, "phrase_matching": true,
                        "stopwords": {"languages": ["english"], "custom": ["the"]},
                        "stemmer": {"type": "snowball", "language": "english"}}},
      {"field_name": "c", "type": "text",
       "field_schema": {"stopwords": "french", "stemmer": {"type": "none"}}}]})")
                  .ok());
  EXPECT_EQ(index_errors(R"({"field_name": "a", "type": "keyword",
                             "field_schema": {"memory": "warm", "on_disk": "yes"}})"),
            (std::vector<validation_error>{{"enum", entry_loc({"field_schema", "memory"}),
                                            "Input should be 'cold', 'cached' or 'pinned'"},
                                           {"bool_type", entry_loc({"field_schema", "on_disk"}),
                                            "Input should be a valid boolean"}}));
  EXPECT_EQ(index_errors(R"({"field_name": "a", "type": "text",
                             "field_schema": {"stopwords": "klingon"}})")[0]
                .location,
            entry_loc({"field_schema", "stopwords"}));
  EXPECT_EQ(index_errors(R"({"field_name": "a", "type": "text",
                             "field_schema": {"stopwords": {"languages": ["english", "elvish"]}}})")
                .at(0)
                .location,
            entry_loc({"field_schema", "stopwords", "languages", idx(1)}));
  EXPECT_EQ(
      index_errors(R"({"field_name": "a", "type": "text",
                             "field_schema": {"stemmer": {"type": "snowball"}}})"),
      (std::vector<validation_error>{
          {"missing", entry_loc({"field_schema", "stemmer", "language"}), "Field required"}}));
}

// Qdrant refuses a field path outside its grammar only after the indexes before it in the same
// PATCH were built; the request is refused whole instead (docs/namespace-model.md, "Field paths").
TEST(NamespaceRequests, AFieldPathQdrantCannotParseIsAValueErrorOnTheFieldName) {
  const auto errors = index_errors(R"({"field_name": "metadata.a/b", "type": "keyword"})");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].type, "value_error");
  EXPECT_EQ(errors[0].location, entry_loc({"field_name"}));
  EXPECT_EQ(errors[0].message.rfind("Value error, not a field path Qdrant can parse: '/' at "
                                    "character 11 is not allowed in an unquoted key (keys are",
                                    0),
            0U)
      << errors[0].message;
  for (const char* bad : {"a.", "a..b", "a[x]", "a b", R"(\"a)"}) {
    EXPECT_EQ(index_errors(R"({"field_name": ")" + std::string(bad) + R"(", "type": "keyword"})")
                  .at(0)
                  .location,
              entry_loc({"field_name"}))
        << bad;
  }
  for (const char* good : {"a[]", "a[].b", "a[0]", R"(a.\"x/y\")"}) {
    EXPECT_TRUE(parse_patch_namespace_request(R"({"payload_indexes": [{"field_name": ")" +
                                              std::string(good) + R"(", "type": "keyword"}]})"))
        << good;
  }
  EXPECT_EQ(errors_of(parse_create_namespace_request(
                          R"({"namespace_name": "abc", "feature_extractors": [],
                              "payload_indexes": [{"field_name": "a/b", "type": "keyword"}]})"))
                .at(0)
                .location,
            loc({"body", "payload_indexes", idx(0), "field_name"}));
  EXPECT_EQ(errors_of(parse_update_namespace_request(
                          R"({"namespace_name": "abc",
                              "payload_indexes": [{"field_name": "a/b", "type": "keyword"}]})"))
                .at(0)
                .location,
            loc({"body", "payload_indexes", idx(0), "field_name"}));
}

TEST(NamespaceRequests, EveryErrorIsReportedAtOnceInFieldOrder) {
  const auto errors = patch_errors(R"({"namespace_name": "x", "payload_indexes": [
      {"field_name": "", "type": "strng"},
      {"field_name": "ok", "type": "integer", "field_schema": {"is_tenant": true}}],
      "typo": 1})");
  ASSERT_EQ(errors.size(), 5U);
  EXPECT_EQ(errors[0].location, loc({"body", "namespace_name"}));
  EXPECT_EQ(errors[1].location, loc({"body", "payload_indexes", idx(0), "field_name"}));
  EXPECT_EQ(errors[2].location, loc({"body", "payload_indexes", idx(0), "type"}));
  EXPECT_EQ(errors[3].location,
            loc({"body", "payload_indexes", idx(1), "field_schema", "is_tenant"}));
  EXPECT_EQ(errors[4].location, loc({"body", "typo"}));
}

TEST(NamespaceRequests, CreateRequiresNameAndFeatureExtractorsWhichMayBeEmpty) {
  EXPECT_EQ(errors_of(parse_create_namespace_request("{}")),
            (std::vector<validation_error>{
                {"missing", loc({"body", "namespace_name"}), "Field required"},
                {"missing", loc({"body", "feature_extractors"}), "Field required"}}));
  EXPECT_TRUE(
      parse_create_namespace_request(R"({"namespace_name": "abc", "feature_extractors": []})"));
  EXPECT_EQ(
      errors_of(parse_create_namespace_request(
          R"({"namespace_name": "abc", "feature_extractors": [
                    {"feature_extractor_name": "x", "params": 3, "model": "m"}]})")),
      (std::vector<validation_error>{
          {"missing", loc({"body", "feature_extractors", idx(0), "version"}), "Field required"},
          {"dict_type", loc({"body", "feature_extractors", idx(0), "params"}),
           "Input should be a valid dictionary"},
          {"extra_forbidden", loc({"body", "feature_extractors", idx(0), "model"}),
           "Extra inputs are not permitted"}}));
}

TEST(NamespaceRequests, CreateDefaultsNullableFields) {
  const auto parsed = parse_create_namespace_request(
      R"({"namespace_name": "abc", "namespace_type": null, "auto_create_indexes": null,
          "payload_indexes": null, "description": null, "infrastructure": null,
          "feature_extractors": [{"feature_extractor_name": "t", "version": "v2"}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.errors().front();
  EXPECT_EQ(parsed.value().type, namespace_type::standard);
  EXPECT_FALSE(parsed.value().auto_create_indexes);
  EXPECT_FALSE(parsed.value().payload_indexes.has_value());
  EXPECT_EQ(parsed.value().feature_extractors.at(0).at("feature_extractor_id"), "t_v2");

  const auto marketplace = parse_create_namespace_request(
      R"({"namespace_name": "abc", "namespace_type": "marketplace",
          "feature_extractors": [{"feature_extractor_name": "t", "version": "v2"}]})");
  ASSERT_TRUE(marketplace.ok());
  EXPECT_EQ(marketplace.value().type, namespace_type::marketplace);
  EXPECT_EQ(errors_of(parse_create_namespace_request(
                R"({"namespace_name": "abc", "namespace_id": "ns_x",
                    "feature_extractors": [{"feature_extractor_name": "t", "version": "v"}]})")),
            (std::vector<validation_error>{
                {"extra_forbidden", loc({"body", "namespace_id"}),
                 "Extra inputs are not permitted: 'namespace_id' is set by the server"}}));
}

TEST(NamespaceRequests, PutRequiresBothFieldsButAcceptsNull) {
  EXPECT_EQ(errors_of(parse_update_namespace_request("{}")),
            (std::vector<validation_error>{
                {"missing", loc({"body", "namespace_name"}), "Field required"},
                {"missing", loc({"body", "payload_indexes"}), "Field required"}}));
  const auto nulls =
      parse_update_namespace_request(R"({"namespace_name": null, "payload_indexes": null})");
  ASSERT_TRUE(nulls.ok());
  EXPECT_EQ(nulls.value(), update_namespace_request{});
  EXPECT_EQ(errors_of(parse_update_namespace_request(
                R"({"namespace_name": null, "payload_indexes": [], "description": "d"})")),
            (std::vector<validation_error>{
                {"extra_forbidden", loc({"body", "description"}),
                 "Extra inputs are not permitted: 'description' is not part of PUT "
                 "(UpdateNamespaceRequest); use PATCH"}}));
}

}  // namespace
}  // namespace index_optimizer
