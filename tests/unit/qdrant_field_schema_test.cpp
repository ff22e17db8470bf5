#include "namespace_model/payload_index_config.hpp"
#include "namespace_test_support.hpp"

#include <gtest/gtest.h>

namespace index_optimizer {
namespace {

using testing::json;

payload_index_config config(std::string_view text) {
  std::vector<validation_error> errors;
  auto parsed = parse_payload_index_config(json(text), {}, errors, json_source::request);
  EXPECT_TRUE(parsed.has_value()) << (errors.empty() ? validation_error{} : errors.front());
  return parsed.value_or(payload_index_config{});
}

TEST(QdrantFieldSchema, EveryTypeWithoutParamsIsTheBareName) {
  for (const auto* type :
       {"keyword", "integer", "float", "bool", "geo", "datetime", "text", "uuid"}) {
    const auto plain = config(std::string(R"({"field_name": "f", "type": ")") + type + R"("})");
    EXPECT_EQ(qdrant_field_schema(plain), boost::json::value(type));
    // Only a `type`, an empty object, or nothing but nulls set no parameter either.
    for (const auto* schema : {R"({})", R"({"on_disk": null})"}) {
      const auto c = config(std::string(R"({"field_name": "f", "type": ")") + type +
                            R"(", "field_schema": )" + schema + "}");
      EXPECT_EQ(qdrant_field_schema(c), boost::json::value(type)) << type << " " << schema;
    }
    const auto typed = config(std::string(R"({"field_name": "f", "type": ")") + type +
                              R"(", "field_schema": {"type": ")" + type + R"("}})");
    EXPECT_EQ(qdrant_field_schema(typed), boost::json::value(type));
  }
}

TEST(QdrantFieldSchema, EveryTypeWithParamsIsTheParamsObjectWithType) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases{
      {R"({"field_name": "f", "type": "keyword", "field_schema": {"is_tenant": true,
          "on_disk": true}})",
       R"({"type": "keyword", "is_tenant": true, "on_disk": true})"},
      {R"({"field_name": "f", "type": "integer", "field_schema": {"lookup": true,
          "range": false, "is_principal": true}})",
       R"({"type": "integer", "lookup": true, "range": false, "is_principal": true})"},
      {R"({"field_name": "f", "type": "float", "field_schema": {"is_principal": true}})",
       R"({"type": "float", "is_principal": true})"},
      {R"({"field_name": "f", "type": "bool", "field_schema": {"on_disk": true}})",
       R"({"type": "bool", "on_disk": true})"},
      {R"({"field_name": "f", "type": "geo", "field_schema": {"memory": "cold"}})",
       R"({"type": "geo", "memory": "cold"})"},
      {R"({"field_name": "f", "type": "datetime", "field_schema": {"type": "datetime",
          "is_principal": false}})",
       R"({"type": "datetime", "is_principal": false})"},
      // The spec's TextIndexParams example.
      {R"({"field_name": "metadata.title", "type": "text", "field_schema": {"lowercase": true,
          "max_token_len": 15, "min_token_len": 2, "tokenizer": "word", "type": "text"}})",
       R"({"type": "text", "lowercase": true, "max_token_len": 15, "min_token_len": 2,
           "tokenizer": "word"})"},
      {R"({"field_name": "f", "type": "uuid", "field_schema": {"is_tenant": true,
          "enable_hnsw": null}})",
       R"({"type": "uuid", "is_tenant": true})"},
  };
  for (const auto& [input, expected] : cases) {
    const auto schema = qdrant_field_schema(config(input));
    EXPECT_EQ(schema, json(expected)) << input;
    // `type` leads, as in Qdrant's docs.
    ASSERT_TRUE(schema.is_object());
    EXPECT_EQ(schema.as_object().begin()->key(), "type");
  }
}

TEST(QdrantFieldSchema, SpecProtectedExampleWithoutTypeGetsOne) {
  EXPECT_EQ(qdrant_field_schema(config(R"({"field_name": "internal_id", "type": "keyword",
                                           "field_schema": {"is_tenant": true},
                                           "is_protected": true})")),
            json(R"({"type": "keyword", "is_tenant": true})"));
}

TEST(QdrantSchemaMatch, BareFormMatchesAnEntryWithoutParams) {
  const auto keyword = config(R"({"field_name": "f", "type": "keyword"})");
  EXPECT_TRUE(qdrant_schema_matches(keyword, json(R"({"data_type": "keyword", "points": 10})")));
  EXPECT_TRUE(qdrant_schema_matches(
      keyword, json(R"({"data_type": "keyword", "params": null, "points": 0})")));
  EXPECT_FALSE(qdrant_schema_matches(
      keyword, json(R"({"data_type": "keyword", "params": {"type": "keyword"}, "points": 1})")));
  EXPECT_FALSE(qdrant_schema_matches(keyword, json(R"({"data_type": "uuid", "points": 10})")));
  EXPECT_FALSE(qdrant_schema_matches(keyword, json(R"({"points": 10})")));
  EXPECT_FALSE(qdrant_schema_matches(keyword, json(R"("keyword")")));
}

TEST(QdrantSchemaMatch, ParamsMatchTheWayQdrantEchoesThem) {
  // Qdrant always serialises the text tokenizer, and older versions print unset params as null.
  EXPECT_TRUE(qdrant_schema_matches(
      config(R"({"field_name": "f", "type": "text", "field_schema": {"lowercase": true}})"),
      json(R"({"data_type": "text", "points": 5,
               "params": {"type": "text", "tokenizer": "word", "lowercase": true}})")));
  EXPECT_TRUE(qdrant_schema_matches(
      config(R"({"field_name": "f", "type": "integer", "field_schema": {"lookup": true}})"),
      json(R"({"data_type": "integer", "points": 5,
               "params": {"type": "integer", "lookup": true, "range": null,
                          "is_principal": null}})")));
  EXPECT_TRUE(qdrant_schema_matches(config(R"({"field_name": "f", "type": "text",
                 "field_schema": {"stopwords": {"languages": ["french", "english"]}}})"),
                                    json(R"({"data_type": "text", "points": 5,
               "params": {"type": "text", "tokenizer": "word",
                          "stopwords": {"languages": ["english", "french"]}}})")));
}

TEST(QdrantSchemaMatch, ChangedParamsDoNotMatch) {
  const auto tenant =
      config(R"({"field_name": "f", "type": "keyword", "field_schema": {"is_tenant": true}})");
  EXPECT_TRUE(qdrant_schema_matches(tenant, json(R"({"data_type": "keyword", "points": 1,
                       "params": {"type": "keyword", "is_tenant": true}})")));
  EXPECT_FALSE(qdrant_schema_matches(tenant, json(R"({"data_type": "keyword", "points": 1,
                       "params": {"type": "keyword", "is_tenant": false}})")));
  EXPECT_FALSE(qdrant_schema_matches(tenant, json(R"({"data_type": "keyword", "points": 1})")));
  EXPECT_FALSE(qdrant_schema_matches(
      config(R"({"field_name": "f", "type": "text", "field_schema": {"tokenizer": "prefix"}})"),
      json(R"({"data_type": "text", "points": 1,
               "params": {"type": "text", "tokenizer": "word"}})")));
}

TEST(QdrantVersion, NewerParamsRaiseTheMinimumVersion) {
  EXPECT_EQ(minimum_qdrant_version(config(R"({"field_name": "f", "type": "keyword"})")),
            (qdrant_version{0, 0}));
  EXPECT_EQ(minimum_qdrant_version(config(
                R"({"field_name": "f", "type": "keyword", "field_schema": {"is_tenant": true}})")),
            (qdrant_version{0, 0}));
  EXPECT_EQ(minimum_qdrant_version(config(
                R"({"field_name": "f", "type": "keyword", "field_schema": {"prefix": true,
                    "enable_hnsw": true}})")),
            (qdrant_version{1, 19}));
  EXPECT_EQ(
      minimum_qdrant_version(config(
          R"({"field_name": "f", "type": "integer", "field_schema": {"enable_hnsw": false}})")),
      (qdrant_version{1, 17}));
  EXPECT_EQ(minimum_qdrant_version(config(
                R"({"field_name": "f", "type": "text", "field_schema": {"ascii_folding": true,
                    "stemmer": {"type": "snowball", "language": "english"}}})")),
            (qdrant_version{1, 16}));
  EXPECT_EQ(minimum_qdrant_version(config(
                R"({"field_name": "f", "type": "text", "field_schema": {"stemmer": {"type": "none"},
                    "memory": null}})")),
            (qdrant_version{1, 15}));
}

}  // namespace
}  // namespace index_optimizer
