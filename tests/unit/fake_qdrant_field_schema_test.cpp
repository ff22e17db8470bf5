// How the fake reads `field_schema` and payload keys: the rules other tests rely on when they
// assert what the daemon sent and what Qdrant would show back.
#include "fakes/qdrant_field_schema.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace index_optimizer::testing::fake {
namespace {

namespace json = boost::json;

parsed_field_schema parsed(const char* text) {
  auto result = parse_field_schema(json::parse(text));
  const auto* error = std::get_if<field_schema_error>(&result);
  if (error != nullptr) ADD_FAILURE() << text << ": " << error->message;
  return error == nullptr ? std::get<parsed_field_schema>(result) : parsed_field_schema{};
}

field_schema_error refused(const char* text) {
  auto result = parse_field_schema(json::parse(text));
  const auto* error = std::get_if<field_schema_error>(&result);
  if (error == nullptr) ADD_FAILURE() << text << " was accepted";
  return error == nullptr ? field_schema_error{} : *error;
}

TEST(FakeQdrantFieldSchema, AcceptsEveryPayloadSchemaTypeName) {
  for (const char* type :
       {"keyword", "integer", "float", "geo", "text", "bool", "datetime", "uuid"}) {
    const auto schema = parsed(("\"" + std::string(type) + "\"").c_str());
    EXPECT_EQ(schema.data_type, type);
    EXPECT_FALSE(schema.object_form);
    EXPECT_EQ(schema.normalized, json::value(type));
  }
}

TEST(FakeQdrantFieldSchema, NormalisesParamsAsQdrantReserialisesThem) {
  EXPECT_EQ(parsed(R"({"type":"keyword","is_tenant":true,"prefix":null,"whatever":1})").normalized,
            json::parse(R"({"type":"keyword","is_tenant":true})"));
  EXPECT_EQ(parsed(R"({"type":"integer","range":false})").normalized,
            json::parse(R"({"type":"integer","lookup":null,"range":false,"is_principal":null})"));
  EXPECT_EQ(parsed(R"({"type":"float"})").normalized,
            json::parse(R"({"type":"float","is_principal":null})"));
  EXPECT_EQ(parsed(R"({"type":"datetime","is_principal":true,"memory":"cold"})").normalized,
            json::parse(R"({"type":"datetime","is_principal":true,"memory":"cold"})"));
  EXPECT_EQ(parsed(R"({"type":"uuid","is_tenant":false,"enable_hnsw":true})").normalized,
            json::parse(R"({"type":"uuid","is_tenant":false,"enable_hnsw":true})"));
  EXPECT_EQ(parsed(R"({"type":"geo","on_disk":true})").normalized,
            json::parse(R"({"type":"geo","on_disk":true})"));
  EXPECT_EQ(parsed(R"({"type":"bool"})").normalized, json::parse(R"({"type":"bool"})"));
  EXPECT_EQ(parsed(R"({"type":"text","tokenizer":"prefix","min_token_len":2,"lowercase":false,
                 "stopwords":{"languages":["german","english","german"],"custom":["b","a"]},
                 "stemmer":{"type":"snowball","language":"english"}})")
                .normalized,
            json::parse(R"({"type":"text","tokenizer":"prefix","min_token_len":2,"lowercase":false,
                      "stopwords":{"languages":["english","german"],"custom":["a","b"]},
                      "stemmer":{"type":"snowball","language":"english"}})"));
  EXPECT_EQ(parsed(R"({"type":"text","stopwords":"english","stemmer":{"type":"none"}})").normalized,
            json::parse(R"({"type":"text","tokenizer":"word","stopwords":"english",
                            "stemmer":{"type":"none"}})"));
  EXPECT_TRUE(parsed(R"({"type":"keyword"})").object_form);
}

TEST(FakeQdrantFieldSchema, BareNameAndEmptyObjectAreDifferentSchemas) {
  EXPECT_FALSE(parsed(R"("keyword")") == parsed(R"({"type":"keyword"})"));
  EXPECT_TRUE(parsed(R"({"type":"keyword","junk":1})") == parsed(R"({"type":"keyword"})"));
}

TEST(FakeQdrantFieldSchema, RefusesWhatSerdeCannotDeserialise) {
  for (const char* text :
       {R"("Keyword")", R"("vector")", R"(5)", R"([])", R"({})", R"({"type":"Keyword"})",
        R"({"type":"keyword","is_tenant":"true"})", R"({"type":"keyword","memory":"ram"})",
        R"({"type":"text","tokenizer":null})", R"({"type":"text","min_token_len":-1})",
        R"({"type":"text","min_token_len":1.5})", R"({"type":"text","stopwords":"klingon"})",
        R"({"type":"text","stemmer":{"type":"snowball"}})"}) {
    const auto error = refused(text);
    EXPECT_EQ(error.status, 400u) << text;
    EXPECT_EQ(error.message,
              "Format error in JSON body: data did not match any variant of untagged enum "
              "PayloadFieldSchema")
        << text;
  }
}

TEST(FakeQdrantFieldSchema, IntegerWithoutLookupAndRangeFailsValidation) {
  const auto error = refused(R"({"type":"integer","lookup":false,"range":false})");
  EXPECT_EQ(error.status, 422u);
  EXPECT_NE(error.message.find("can't be both disabled"), std::string::npos);
  EXPECT_EQ(parsed(R"({"type":"integer","lookup":false,"range":true})").data_type, "integer");
}

}  // namespace
}  // namespace index_optimizer::testing::fake
