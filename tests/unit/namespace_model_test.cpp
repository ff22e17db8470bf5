#include "namespace_model/namespace_model.hpp"
#include "namespace_model/namespace_id.hpp"
#include "namespace_model/namespace_list.hpp"
#include "namespace_model/namespace_requests.hpp"
#include "namespace_test_support.hpp"
#include "text/rfc3339_time.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace index_optimizer {
namespace {

using namespace std::chrono_literals;
using testing::json;
using testing::loc;

// ListNamespacesResponse's example result, the spec's only whole NamespaceModel example.
constexpr std::string_view k_spec_namespace = R"({
  "created_at": "2024-01-15T10:30:00Z",
  "description": "This namespace contains playlists from Spotify",
  "feature_extractors": [
    {"feature_extractor_name": "multimodal_extractor", "version": "v1"},
    {"feature_extractor_name": "image_extractor", "params": {"model": "siglip_base"},
     "version": "v1"}
  ],
  "namespace_id": "ns_ab12cd34ef",
  "namespace_name": "spotify_playlists_dev",
  "payload_indexes": [{"field_name": "metadata.title", "type": "text"}],
  "updated_at": "2024-01-15T10:30:00Z"
})";

TEST(NamespaceModel, SpecExampleParsesAndEmitsEveryNamespaceModelField) {
  const auto parsed = namespace_model_from_json(json(k_spec_namespace));
  ASSERT_TRUE(parsed.ok()) << parsed.errors().front();
  const auto& model = parsed.value();
  EXPECT_EQ(model.namespace_id, "ns_ab12cd34ef");
  EXPECT_EQ(model.type, namespace_type::standard);
  ASSERT_EQ(model.payload_indexes.size(), 1U);
  EXPECT_EQ(model.payload_indexes[0].type, index_type::text);

  // FastAPI serialises every field, defaults and nulls included.
  EXPECT_EQ(to_api_json(model), json(R"({
    "namespace_id": "ns_ab12cd34ef",
    "namespace_name": "spotify_playlists_dev",
    "namespace_type": "standard",
    "infrastructure": null,
    "cluster_id": null,
    "description": "This namespace contains playlists from Spotify",
    "feature_extractors": [
      {"feature_extractor_name": "multimodal_extractor", "version": "v1"},
      {"feature_extractor_name": "image_extractor", "params": {"model": "siglip_base"},
       "version": "v1"}
    ],
    "payload_indexes": [
      {"field_name": "metadata.title", "type": "text", "field_schema": null, "is_protected": false}
    ],
    "document_count": null,
    "bucket_count": null,
    "collection_count": null,
    "object_count": null,
    "auto_create_indexes": false,
    "vector_inference_map": null,
    "created_at": "2024-01-15T10:30:00Z",
    "updated_at": "2024-01-15T10:30:00Z"
  })"));
}

// Only requests are held to Qdrant's path grammar: a stored namespace written before the check
// must still load (and can then be corrected by a PATCH).
TEST(NamespaceModel, AStoredFieldPathIsNotHeldToQdrantsGrammar) {
  auto stored = json(k_spec_namespace);
  stored.at("payload_indexes").at(0).as_object()["field_name"] = "metadata.a/b";
  const auto parsed = namespace_model_from_json(stored);
  ASSERT_TRUE(parsed.ok()) << parsed.errors().front();
  EXPECT_EQ(parsed.value().payload_indexes.at(0).field_name, "metadata.a/b");
}

TEST(NamespaceModel, ApiJsonRoundTripsToTheSameModel) {
  const auto model = namespace_model_from_json(json(k_spec_namespace)).value();
  const auto again = namespace_model_from_json(to_api_json(model));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), model);
}

namespace_model full_model() {
  namespace_model model;
  model.namespace_id = "ns_0123456789ab";
  model.namespace_name = "catalog";
  model.type = namespace_type::marketplace;
  namespace_infrastructure infra;
  infra.qdrant_collection = "ns_production";
  infra.qdrant_url = "http://qdrant-ns-prod:6333";
  infra.qdrant_api_key = "secret-key";
  infra.tier = compute_tier::dedicated_cpu;
  model.infrastructure = infra;
  model.cluster_id = "iclstr_abc123xyz";
  model.description = "products";
  model.feature_extractors = json(R"([{"feature_extractor_name": "text_extractor",
      "version": "v1", "params": null, "feature_extractor_id": "text_extractor_v1"}])")
                                 .as_array();
  payload_index_config tenant;
  tenant.field_name = "internal_id";
  tenant.field_schema = boost::json::object{{"is_tenant", true}};
  tenant.is_protected = true;
  payload_index_config brand;
  brand.field_name = "metadata.brand";
  brand.auto_created = auto_created_info{std::chrono::system_clock::time_point{1700000000s}, 250};
  model.payload_indexes = {tenant, brand};
  model.document_count = 1200;
  model.bucket_count = 2;
  model.collection_count = 3;
  model.object_count = 40;
  model.auto_create_indexes = true;
  model.vector_inference_map = boost::json::object{{"text_extractor_v1_embedding", "e5_large"}};
  model.created_at = std::chrono::system_clock::time_point{1700000000s};
  model.updated_at = std::chrono::system_clock::time_point{1700000100s + 250ms};
  model.version = 7;
  return model;
}

TEST(NamespaceModel, StorageJsonRoundTripsEverythingIncludingInternalMetadata) {
  const auto model = full_model();
  const auto stored = to_storage_json(model);
  EXPECT_EQ(stored.at("version"), 7);
  EXPECT_EQ(stored.at("infrastructure").at("qdrant_api_key"), "secret-key");
  EXPECT_EQ(stored.at("payload_indexes").at(1).at("auto_created"),
            json(R"({"at": "2023-11-14T22:13:20Z", "trigger_count": 250})"));
  EXPECT_EQ(stored.at("updated_at"), "2023-11-14T22:15:00.250000Z");

  const auto parsed = namespace_model_from_json(stored);
  ASSERT_TRUE(parsed.ok()) << parsed.errors().front();
  EXPECT_EQ(parsed.value(), model);
}

TEST(NamespaceModel, ApiJsonHidesVersionAutoCreatedAndTheQdrantApiKey) {
  const auto api = to_api_json(full_model());
  EXPECT_FALSE(api.contains("version"));
  EXPECT_FALSE(api.at("payload_indexes").at(1).as_object().contains("auto_created"));
  EXPECT_TRUE(api.at("infrastructure").at("qdrant_api_key").is_null());
  EXPECT_EQ(api.at("infrastructure").at("qdrant_collection"), "ns_production");
  EXPECT_EQ(api.at("infrastructure").at("compute_tier"), "dedicated_cpu");
  EXPECT_EQ(api.at("payload_indexes").at(0),
            json(R"({"field_name": "internal_id", "type": "keyword",
                     "field_schema": {"is_tenant": true}, "is_protected": true})"));
}

TEST(NamespaceModel, StoredDocumentIgnoresUnknownKeysButChecksKnownTypes) {
  auto stored = to_storage_json(full_model());
  stored["added_by_a_newer_daemon"] = 1;
  stored["payload_indexes"].as_array()[0].as_object()["future"] = true;
  EXPECT_TRUE(namespace_model_from_json(stored).ok());

  stored["document_count"] = "many";
  stored["created_at"] = "yesterday";
  const auto parsed = namespace_model_from_json(stored);
  ASSERT_FALSE(parsed.ok());
  ASSERT_EQ(parsed.errors().size(), 2U);
  EXPECT_EQ(parsed.errors()[0], (validation_error{"int_type", loc({"document_count"}),
                                                  "Input should be a valid integer"}));
  EXPECT_EQ(parsed.errors()[1], (validation_error{"datetime_parsing", loc({"created_at"}),
                                                  "Input should be a valid datetime"}));
}

TEST(NamespaceModel, RequiresNamespaceNameAndAnArrayOfObjectsForFeatureExtractors) {
  const auto parsed = namespace_model_from_json(json(R"({"feature_extractors": [{}, 3]})"));
  ASSERT_FALSE(parsed.ok());
  ASSERT_EQ(parsed.errors().size(), 2U);
  EXPECT_EQ(parsed.errors()[0].type, "missing");
  EXPECT_EQ(parsed.errors()[0].location, loc({"namespace_name"}));
  EXPECT_EQ(parsed.errors()[1].type, "model_attributes_type");
  EXPECT_EQ(parsed.errors()[1].location, loc({"feature_extractors", testing::idx(1)}));

  const auto not_list =
      namespace_model_from_json(json(R"({"namespace_name": "abc", "feature_extractors": {}})"));
  ASSERT_FALSE(not_list.ok());
  EXPECT_EQ(not_list.errors()[0].type, "list_type");
}

TEST(NamespaceModel, NullPayloadIndexesReadAsAnEmptyList) {
  const auto parsed =
      namespace_model_from_json(json(R"({"namespace_name": "abc", "payload_indexes": null})"));
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed.value().payload_indexes.empty());
  EXPECT_EQ(to_api_json(parsed.value()).at("payload_indexes"), json("[]"));
}

TEST(NamespaceModel, QdrantCollectionDefaultsToTheNamespaceId) {
  auto model = full_model();
  EXPECT_EQ(qdrant_collection_name(model), "ns_production");
  model.infrastructure.reset();
  EXPECT_EQ(qdrant_collection_name(model), "ns_0123456789ab");
}

TEST(NamespaceModel, FindIndexByFieldName) {
  const auto model = full_model();
  ASSERT_NE(find_index(model, "metadata.brand"), nullptr);
  EXPECT_EQ(find_index(model, "metadata.brand")->field_name, "metadata.brand");
  EXPECT_EQ(find_index(model, "metadata.color"), nullptr);
}

// NamespaceInfrastructure's two schema examples; their "description" is an example annotation.
TEST(NamespaceInfrastructure, SpecExamplesParseWithDefaultsFilledIn) {
  std::vector<validation_error> errors;
  const auto shared = parse_namespace_infrastructure(json(R"({
      "autoscaling_enabled": false, "compute_tier": "shared",
      "description": "Shared development namespace", "max_concurrent_jobs": 10,
      "qdrant_collection": "ns_dev", "ray_head_node_url": "ray://shared-cluster:10001"})"),
                                                     {}, errors, json_source::request);
  ASSERT_TRUE(shared.has_value()) << errors.front();
  EXPECT_EQ(to_json(*shared, true), json(R"({
      "ray_cluster_id": null, "ray_head_node_url": "ray://shared-cluster:10001",
      "ray_dashboard_url": null, "qdrant_url": null, "qdrant_api_key": null,
      "qdrant_collection": "ns_dev", "compute_tier": "shared", "max_concurrent_jobs": 10,
      "autoscaling_enabled": false, "min_workers": 1, "max_workers": 10, "gpu_type": null,
      "gpus_per_worker": 1, "s3_plugin_bucket": "mixpeek-plugins", "s3_plugin_prefix": null,
      "max_custom_plugins": 0, "max_custom_models": 0})"));

  const auto dedicated = parse_namespace_infrastructure(json(R"({
      "autoscaling_enabled": true, "compute_tier": "dedicated_cpu",
      "description": "Dedicated production CPU cluster", "max_concurrent_jobs": 50,
      "max_workers": 20, "min_workers": 3, "qdrant_collection": "ns_production",
      "ray_cluster_id": "ray_prod_cluster", "ray_dashboard_url": "http://prod-dashboard:8265",
      "ray_head_node_url": "ray://prod-head:10001"})"),
                                                        {}, errors, json_source::request);
  ASSERT_TRUE(dedicated.has_value()) << errors.front();
  EXPECT_EQ(dedicated->tier, compute_tier::dedicated_cpu);
  EXPECT_EQ(dedicated->ray_cluster_id, "ray_prod_cluster");
  EXPECT_EQ(dedicated->min_workers, 3);
  EXPECT_EQ(dedicated->max_workers, 20);
}

TEST(NamespaceInfrastructure, ReportsSchemaViolationsWithFieldLocations) {
  std::vector<validation_error> errors;
  const auto infra =
      parse_namespace_infrastructure(json(R"({"ray_cluster_id": "cluster", "compute_tier": "huge",
               "max_concurrent_jobs": 0, "gpus_per_worker": 9, "min_workers": true,
               "region": "eu"})"),
                                     loc({"body", "infrastructure"}), errors, json_source::request);
  EXPECT_FALSE(infra.has_value());
  const std::vector<validation_error> expected{
      {"string_pattern_mismatch", loc({"body", "infrastructure", "ray_cluster_id"}),
       "String should match pattern '^ray_[a-zA-Z0-9_]{3,64}$'"},
      {"missing", loc({"body", "infrastructure", "qdrant_collection"}), "Field required"},
      {"enum", loc({"body", "infrastructure", "compute_tier"}),
       "Input should be 'shared', 'dedicated_cpu' or 'dedicated_gpu'"},
      {"greater_than_equal", loc({"body", "infrastructure", "max_concurrent_jobs"}),
       "Input should be greater than or equal to 1"},
      {"int_type", loc({"body", "infrastructure", "min_workers"}),
       "Input should be a valid integer"},
      {"less_than_equal", loc({"body", "infrastructure", "gpus_per_worker"}),
       "Input should be less than or equal to 8"},
      {"extra_forbidden", loc({"body", "infrastructure", "region"}),
       "Extra inputs are not permitted"},
  };
  EXPECT_EQ(errors, expected);
}

TEST(NamespaceId, IsNsPrefixPlusTwelveLowercaseBase36Characters) {
  std::mt19937_64 random(42);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto id = generate_namespace_id(random);
    ASSERT_EQ(id.size(), 15U) << id;
    ASSERT_EQ(id.substr(0, 3), "ns_");
    for (const char c : id.substr(3)) {
      ASSERT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) << id;
    }
    EXPECT_TRUE(looks_like_namespace_id(id));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000U);
}

TEST(NamespaceId, SameRandomSourceGivesTheSameIds) {
  std::mt19937_64 a(7);
  std::mt19937_64 b(7);
  EXPECT_EQ(generate_namespace_id(a), generate_namespace_id(b));
  EXPECT_NE(generate_namespace_id(), generate_namespace_id());
}

TEST(NamespaceId, RecognisesIdShapedIdentifiers) {
  EXPECT_TRUE(looks_like_namespace_id("ns_ab12cd34ef"));
  EXPECT_TRUE(looks_like_namespace_id("ns_123"));
  EXPECT_FALSE(looks_like_namespace_id("ns_"));
  EXPECT_FALSE(looks_like_namespace_id("spotify_playlists_dev"));
  EXPECT_FALSE(looks_like_namespace_id("ns_my-namespace"));
}

TEST(Rfc3339Time, FormatsUtcWithMicrosecondsOnlyWhenPresent) {
  using std::chrono::system_clock;
  EXPECT_EQ(format_rfc3339(system_clock::time_point{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(system_clock::time_point{1705314600s}), "2024-01-15T10:30:00Z");
  EXPECT_EQ(format_rfc3339(system_clock::time_point{1705314600s + 123us}),
            "2024-01-15T10:30:00.000123Z");
  // Sub-microsecond parts are truncated, not rounded.
  EXPECT_EQ(format_rfc3339(system_clock::time_point{1705314600s + 999ns}), "2024-01-15T10:30:00Z");
  EXPECT_EQ(format_rfc3339(system_clock::time_point{951782400s}), "2000-02-29T00:00:00Z");
  EXPECT_EQ(format_rfc3339(system_clock::time_point{7258118399s + 999999us}),
            "2199-12-31T23:59:59.999999Z");
  EXPECT_EQ(format_rfc3339(system_clock::time_point{-1s}), "1969-12-31T23:59:59Z");
  EXPECT_EQ(format_rfc3339(system_clock::time_point{1796023096470ms}),
            "2026-11-30T07:18:16.470000Z");
}

TEST(Rfc3339Time, ParsesZuluOffsetsAndFractions) {
  using std::chrono::system_clock;
  EXPECT_EQ(parse_rfc3339("2024-01-15T10:30:00Z"), system_clock::time_point{1705314600s});
  EXPECT_EQ(parse_rfc3339("2024-01-15T12:30:00+02:00"), system_clock::time_point{1705314600s});
  EXPECT_EQ(parse_rfc3339("2024-01-15T05:00:00-05:30"), system_clock::time_point{1705314600s});
  EXPECT_EQ(parse_rfc3339("2024-01-15t10:30:00.5z"), system_clock::time_point{1705314600s + 500ms});
  EXPECT_EQ(parse_rfc3339("2024-01-15 10:30:00.1234567Z"),
            system_clock::time_point{1705314600s + 123456us});
  for (const auto* text : {"2024-01-15T10:30:00.250000Z", "2024-02-29T23:59:59Z"}) {
    const auto t = parse_rfc3339(text);
    ASSERT_TRUE(t.has_value()) << text;
    EXPECT_EQ(format_rfc3339(*t), text);
  }
}

TEST(Rfc3339Time, RejectsInvalidDateTimes) {
  for (const auto* text :
       {"", "2024-01-15", "2024-01-15T10:30:00", "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
        "2024-13-01T00:00:00Z", "2024-01-15T24:00:00Z", "2024-01-15T10:60:00Z",
        "2024-01-15T10:30:60Z", "2024-01-15T10:30:00.Z", "2024-01-15T10:30:00+2:00",
        "2024-01-15T10:30:00Zjunk", "2024/01/15T10:30:00Z", "yesterday"}) {
    EXPECT_FALSE(parse_rfc3339(text).has_value()) << text;
  }
}

TEST(NamespaceList, ResponseCarriesResultsPaginationTotalAndStats) {
  auto first = namespace_model_from_json(json(k_spec_namespace)).value();
  auto second = full_model();
  const std::vector<namespace_model> results{first, second};
  const auto stats = compute_list_stats(results);
  EXPECT_EQ(stats.total_feature_extractors, 3);
  EXPECT_EQ(stats.total_payload_indexes, 3);
  EXPECT_EQ(stats.total_documents, 1200);  // the example's null count adds nothing
  EXPECT_EQ(stats.total_objects, 40);
  EXPECT_DOUBLE_EQ(stats.avg_documents_per_namespace, 600.0);
  EXPECT_DOUBLE_EQ(stats.avg_feature_extractors_per_namespace, 1.5);
  EXPECT_EQ(compute_list_stats({}), namespace_list_stats{});

  pagination_response pagination;
  pagination.page_size = 10;
  pagination.next_cursor = "c2";
  const auto body = list_namespaces_response_json(results, pagination, 2, stats);
  EXPECT_EQ(body.at("total_count"), 2);
  ASSERT_EQ(body.at("results").as_array().size(), 2U);
  EXPECT_EQ(body.at("results").at(0), to_api_json(first));
  EXPECT_EQ(body.at("pagination"), json(R"({"total": null, "page": null, "page_size": 10,
      "total_pages": null, "next_page": null, "previous_page": null, "next_cursor": "c2"})"));
  EXPECT_EQ(body.at("stats").at("total_payload_indexes"), 3);
  EXPECT_TRUE(list_namespaces_response_json({}, {}, 0, std::nullopt).at("stats").is_null());
}

TEST(ErrorEnvelope, MatchesTheSpecsErrorResponseExample) {
  EXPECT_EQ(error_envelope(404, "NotFoundError", "Namespace not found",
                           boost::json::object{{"resource", "namespace"}, {"id", "ns_123"}}),
            json(R"({"error": {"details": {"id": "ns_123", "resource": "namespace"},
                     "message": "Namespace not found", "type": "NotFoundError"},
                     "status": 404, "success": false})"));
}

TEST(ErrorEnvelope, ValidationErrorsGoUnderDetailsAsMixpeekNormalisesThem) {
  const std::vector<validation_error> errors{
      {"string_type", loc({"body", "namespace_name"}), "Input should be a valid string"},
      {"missing", loc({"body", "payload_indexes", testing::idx(0), "type"}), "Field required"}};
  const auto envelope = validation_error_envelope(errors);
  EXPECT_EQ(envelope.at("status"), 422);
  EXPECT_EQ(envelope.at("success"), false);
  EXPECT_EQ(envelope.at("error").at("type"), "ValidationError");
  EXPECT_EQ(envelope.at("error").at("details"), json(R"({"validation_errors": [
      {"type": "string_type", "location": ["body", "namespace_name"],
       "message": "Input should be a valid string"},
      {"type": "missing", "location": ["body", "payload_indexes", 0, "type"],
       "message": "Field required"}]})"));
}

}  // namespace
}  // namespace index_optimizer
