#include "namespace_model/namespace_update.hpp"
#include "namespace_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace index_optimizer {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;
using testing::json;

const system_clock::time_point k_created{1705314600s};
const system_clock::time_point k_now{1705400000s};

payload_index_config index_from(std::string_view text) {
  std::vector<validation_error> errors;
  auto config = parse_payload_index_config(json(text), {}, errors, json_source::request);
  EXPECT_TRUE(config.has_value()) << (errors.empty() ? validation_error{} : errors.front());
  return config.value_or(payload_index_config{});
}

std::vector<payload_index_config> indexes_from(std::string_view text) {
  std::vector<validation_error> errors;
  auto list = parse_payload_index_list(json(text), {}, errors, json_source::request);
  EXPECT_TRUE(list.has_value()) << (errors.empty() ? validation_error{} : errors.front());
  return list.value_or(std::vector<payload_index_config>{});
}

std::vector<std::string> field_names(const std::vector<payload_index_config>& list) {
  std::vector<std::string> names;
  for (const auto& index : list)
    names.push_back(index.field_name);
  return names;
}

// A namespace with the default protected indexes, one user index and one the optimizer added.
namespace_model stored_namespace() {
  namespace_model model;
  model.namespace_id = "ns_ab12cd34ef";
  model.namespace_name = "spotify_playlists_dev";
  model.payload_indexes = default_protected_indexes();
  model.payload_indexes.push_back(
      index_from(R"({"field_name": "metadata.title", "type": "text"})"));
  auto genre = index_from(R"({"field_name": "metadata.genre", "type": "keyword"})");
  genre.auto_created = auto_created_info{k_created, 412};
  model.payload_indexes.push_back(genre);
  model.created_at = k_created;
  model.updated_at = k_created;
  model.version = 3;
  return model;
}

const namespace_model& as_model(const namespace_update_result& result) {
  if (const auto* violation = std::get_if<protected_index_violation>(&result)) {
    ADD_FAILURE() << "unexpected violation on " << violation->field_name << ": "
                  << violation->reason;
  }
  return std::get<namespace_model>(result);
}

protected_index_violation as_violation(const index_merge_result& result) {
  EXPECT_TRUE(std::holds_alternative<protected_index_violation>(result));
  if (const auto* v = std::get_if<protected_index_violation>(&result)) return *v;
  return {};
}

TEST(ProtectedIndexes, SystemFieldsIncludeTheInternalPrefix) {
  for (const auto field : k_system_fields)
    EXPECT_TRUE(is_system_field(field)) << field;
  EXPECT_TRUE(is_system_field("_internal"));
  EXPECT_TRUE(is_system_field("_internal.lineage.step"));
  EXPECT_FALSE(is_system_field("_internals"));
  EXPECT_FALSE(is_system_field("metadata.created_at"));
  EXPECT_FALSE(is_system_field("user_id"));
}

TEST(ProtectedIndexes, DefaultsCoverEverySystemFieldAsTheSpecShowsThem) {
  const auto defaults = default_protected_indexes();
  ASSERT_EQ(defaults.size(), k_system_fields.size());
  for (const auto& index : defaults) {
    EXPECT_TRUE(index.is_protected) << index.field_name;
    EXPECT_TRUE(is_system_field(index.field_name));
  }
  // Exactly the spec's PayloadIndexConfig example for internal_id.
  EXPECT_EQ(to_api_json(defaults[0]), json(R"({"field_name": "internal_id", "type": "keyword",
                     "field_schema": {"is_tenant": true}, "is_protected": true})"));
  for (const auto& index : defaults) {
    const bool timestamp = index.field_name == "created_at" || index.field_name == "updated_at";
    EXPECT_EQ(index.type, timestamp ? index_type::datetime : index_type::keyword)
        << index.field_name;
  }
}

TEST(ProtectedIndexes, OmittingProtectedIndexesKeepsThemAndReplacesUserOnes) {
  const auto current = stored_namespace().payload_indexes;
  const auto merged = merge_payload_indexes(
      current, indexes_from(R"([{"field_name": "metadata.year", "type": "integer"}])"));
  const auto& list = std::get<std::vector<payload_index_config>>(merged);
  ASSERT_EQ(list.size(), k_system_fields.size() + 1);
  EXPECT_EQ(list.back().field_name, "metadata.year");
  EXPECT_EQ(std::count_if(list.begin(), list.end(),
                          [](const auto& i) { return i.field_name == "metadata.title"; }),
            0);
  EXPECT_TRUE(std::equal(current.begin(), current.begin() + k_system_fields.size(), list.begin()));
}

TEST(ProtectedIndexes, RepeatingAProtectedIndexIdenticallyIsAllowed) {
  const auto current = stored_namespace().payload_indexes;
  // Both the stored form and the equivalent form with field_schema.type.
  for (const auto* internal_id :
       {R"({"field_name": "internal_id", "type": "keyword", "field_schema": {"is_tenant": true},
            "is_protected": true})",
        R"({"field_name": "internal_id", "type": "keyword",
            "field_schema": {"type": "keyword", "is_tenant": true}, "is_protected": true})"}) {
    const auto merged = merge_payload_indexes(
        current,
        {index_from(internal_id), index_from(R"({"field_name": "created_at", "type": "datetime",
                                 "is_protected": true})")});
    ASSERT_TRUE(std::holds_alternative<std::vector<payload_index_config>>(merged)) << internal_id;
    const auto& list = std::get<std::vector<payload_index_config>>(merged);
    EXPECT_EQ(list.size(), k_system_fields.size());
    // The stored form wins.
    EXPECT_EQ(list[0], current[0]);
  }
}

TEST(ProtectedIndexes, ChangingAProtectedIndexIsForbidden) {
  const auto current = stored_namespace().payload_indexes;
  EXPECT_EQ(
      as_violation(merge_payload_indexes(
          current, {index_from(R"({"field_name": "internal_id", "type": "keyword",
                                         "field_schema": {"is_tenant": false},
                                         "is_protected": true})")})),
      (protected_index_violation{"internal_id", "protected index field_schema cannot change"}));
  EXPECT_EQ(as_violation(merge_payload_indexes(
                current, {index_from(R"({"field_name": "created_at", "type": "keyword",
                                         "is_protected": true})")})),
            (protected_index_violation{
                "created_at", "protected index type cannot change from datetime to keyword"}));
  EXPECT_EQ(as_violation(merge_payload_indexes(
                current, {index_from(R"({"field_name": "internal_id", "type": "keyword",
                                         "field_schema": {"is_tenant": true}})")})),
            (protected_index_violation{"internal_id",
                                       "is_protected cannot be cleared on a protected index"}));
}

TEST(ProtectedIndexes, CreatingAProtectedIndexIsForbidden) {
  const auto current = stored_namespace().payload_indexes;
  EXPECT_EQ(
      as_violation(merge_payload_indexes(
          current, {index_from(R"({"field_name": "metadata.sku", "type": "keyword",
                                         "is_protected": true})")})),
      (protected_index_violation{"metadata.sku", "is_protected can only be set by the system"}));
  // A system field the namespace has no index for yet, with or without the flag.
  EXPECT_EQ(as_violation(merge_payload_indexes(
                             {}, {index_from(R"({"field_name": "batch_id", "type": "keyword"})")}))
                .field_name,
            "batch_id");
  EXPECT_EQ(as_violation(merge_payload_indexes(
                             {}, {index_from(R"({"field_name": "_internal.step", "type": "keyword",
                                   "is_protected": true})")}))
                .field_name,
            "_internal.step");
  // Protecting an existing user index is a change too.
  EXPECT_EQ(
      as_violation(merge_payload_indexes(
                       current, {index_from(R"({"field_name": "metadata.title", "type": "text",
                                         "is_protected": true})")}))
          .reason,
      "is_protected can only be set by the system");
}

TEST(ProtectedIndexes, ASystemFieldStoredUnflaggedIsStillProtected) {
  auto legacy = index_from(R"({"field_name": "document_id", "type": "keyword"})");
  const std::vector<payload_index_config> current{legacy};
  const auto kept = merge_payload_indexes(current, {});
  EXPECT_EQ(std::get<std::vector<payload_index_config>>(kept), current);
  EXPECT_TRUE(std::holds_alternative<std::vector<payload_index_config>>(
      merge_payload_indexes(current, {legacy})));
  EXPECT_EQ(
      as_violation(merge_payload_indexes(
                       current, {index_from(R"({"field_name": "document_id", "type": "uuid"})")}))
          .field_name,
      "document_id");
}

TEST(ProtectedIndexes, AutoCreatedRecordSurvivesAnIdenticalRepeatOnly) {
  const auto current = stored_namespace().payload_indexes;
  const auto same = std::get<std::vector<payload_index_config>>(merge_payload_indexes(
      current, {index_from(R"({"field_name": "metadata.genre", "type": "keyword"})")}));
  ASSERT_TRUE(same.back().auto_created.has_value());
  EXPECT_EQ(same.back().auto_created->trigger_count, 412);

  const auto changed = std::get<std::vector<payload_index_config>>(merge_payload_indexes(
      current, {index_from(R"({"field_name": "metadata.genre", "type": "keyword",
                               "field_schema": {"is_tenant": true}})")}));
  EXPECT_FALSE(changed.back().auto_created.has_value());
}

TEST(ProtectedIndexes, ForbiddenEnvelopeNamesFieldAndReason) {
  EXPECT_EQ(forbidden_envelope({"internal_id", "protected index field_schema cannot change"}),
            json(R"({"success": false, "status": 403, "error": {
                "message": "Cannot modify protected index 'internal_id': protected index field_schema cannot change",
                "type": "ForbiddenError",
                "details": {"field_name": "internal_id",
                            "reason": "protected index field_schema cannot change"}}})"));
}

TEST(NamespacePatch, EmptyOrAllNullPatchChangesNothing) {
  const auto current = stored_namespace();
  for (const auto* body :
       {"{}", R"({"namespace_name": null, "description": null, "payload_indexes": null,
                  "auto_create_indexes": null, "infrastructure": null})"}) {
    const auto patch = parse_patch_namespace_request(body);
    ASSERT_TRUE(patch.ok());
    EXPECT_EQ(as_model(apply_patch(current, patch.value(), k_now)), current) << body;
  }
}

TEST(NamespacePatch, SetFieldsChangeAndStampUpdatedAt) {
  const auto current = stored_namespace();
  const auto patch = parse_patch_namespace_request(
      R"({"namespace_name": "spotify_playlists_prod", "auto_create_indexes": true,
          "description": "prod"})");
  ASSERT_TRUE(patch.ok());
  const auto next = as_model(apply_patch(current, patch.value(), k_now));
  EXPECT_EQ(next.namespace_name, "spotify_playlists_prod");
  EXPECT_TRUE(next.auto_create_indexes);
  EXPECT_EQ(next.description, "prod");
  EXPECT_EQ(next.updated_at, k_now);
  EXPECT_EQ(next.created_at, k_created);
  EXPECT_EQ(next.payload_indexes, current.payload_indexes);
  EXPECT_EQ(next.version, current.version);  // the store bumps it on its compare-and-set
}

TEST(NamespacePatch, RepeatingTheCurrentValuesKeepsUpdatedAt) {
  const auto current = stored_namespace();
  const auto patch = parse_patch_namespace_request(
      R"({"namespace_name": "spotify_playlists_dev", "auto_create_indexes": false})");
  ASSERT_TRUE(patch.ok());
  EXPECT_EQ(as_model(apply_patch(current, patch.value(), k_now)).updated_at, k_created);
}

TEST(NamespacePatch, PayloadIndexesReplaceTheUserListAndKeepProtectedOnes) {
  const auto current = stored_namespace();
  const auto patch = parse_patch_namespace_request(
      R"({"payload_indexes": [{"field_name": "metadata.genre", "type": "keyword"},
                              {"field_name": "metadata.year", "type": "integer"}]})");
  ASSERT_TRUE(patch.ok());
  const auto next = as_model(apply_patch(current, patch.value(), k_now));
  auto expected = field_names(default_protected_indexes());
  expected.push_back("metadata.genre");
  expected.push_back("metadata.year");
  EXPECT_EQ(field_names(next.payload_indexes), expected);
  EXPECT_EQ(next.updated_at, k_now);

  const auto emptied = parse_patch_namespace_request(R"({"payload_indexes": []})");
  EXPECT_EQ(field_names(as_model(apply_patch(current, emptied.value(), k_now)).payload_indexes),
            field_names(default_protected_indexes()));
}

TEST(NamespacePatch, ProtectedViolationIsReturnedInsteadOfAModel) {
  const auto patch = parse_patch_namespace_request(
      R"({"payload_indexes": [{"field_name": "namespace_id", "type": "uuid",
                               "is_protected": true}]})");
  ASSERT_TRUE(patch.ok());
  const auto result = apply_patch(stored_namespace(), patch.value(), k_now);
  ASSERT_TRUE(std::holds_alternative<protected_index_violation>(result));
  EXPECT_EQ(std::get<protected_index_violation>(result).field_name, "namespace_id");
}

TEST(NamespacePatch, InfrastructureIsReplacedButTheHiddenApiKeyIsKept) {
  auto current = stored_namespace();
  namespace_infrastructure infra;
  infra.qdrant_collection = "ns_old";
  infra.qdrant_api_key = "secret";
  current.infrastructure = infra;

  const auto patch = parse_patch_namespace_request(
      R"({"infrastructure": {"qdrant_collection": "ns_new", "max_workers": 4}})");
  ASSERT_TRUE(patch.ok());
  const auto next = as_model(apply_patch(current, patch.value(), k_now));
  ASSERT_TRUE(next.infrastructure.has_value());
  EXPECT_EQ(next.infrastructure->qdrant_collection, "ns_new");
  EXPECT_EQ(next.infrastructure->max_workers, 4);
  EXPECT_EQ(next.infrastructure->qdrant_api_key, "secret");

  const auto rotate = parse_patch_namespace_request(
      R"({"infrastructure": {"qdrant_collection": "ns_new", "qdrant_api_key": "rotated"}})");
  EXPECT_EQ(as_model(apply_patch(current, rotate.value(), k_now)).infrastructure->qdrant_api_key,
            "rotated");
}

TEST(NamespacePut, ReplacesNameAndTheUserIndexList) {
  const auto current = stored_namespace();
  const auto put = parse_update_namespace_request(
      R"({"namespace_name": "renamed", "payload_indexes": [
          {"field_name": "metadata.year", "type": "integer"}]})");
  ASSERT_TRUE(put.ok());
  const auto next = as_model(apply_put(current, put.value(), k_now));
  EXPECT_EQ(next.namespace_name, "renamed");
  auto expected = field_names(default_protected_indexes());
  expected.push_back("metadata.year");
  EXPECT_EQ(field_names(next.payload_indexes), expected);
  EXPECT_EQ(next.updated_at, k_now);
}

TEST(NamespacePut, NullIndexesMeanNoUserIndexesAndNullNameKeepsTheName) {
  const auto current = stored_namespace();
  const auto put =
      parse_update_namespace_request(R"({"namespace_name": null, "payload_indexes": null})");
  ASSERT_TRUE(put.ok());
  const auto next = as_model(apply_put(current, put.value(), k_now));
  EXPECT_EQ(next.namespace_name, current.namespace_name);
  EXPECT_EQ(field_names(next.payload_indexes), field_names(default_protected_indexes()));
  // Fields outside UpdateNamespaceRequest are untouched.
  EXPECT_EQ(next.auto_create_indexes, current.auto_create_indexes);
  EXPECT_EQ(next.description, current.description);
}

TEST(NamespaceCreate, StartsWithProtectedIndexesThenTheRequestedOnes) {
  const auto request = parse_create_namespace_request(
      R"({"namespace_name": "catalog", "auto_create_indexes": true,
          "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v1"}],
          "payload_indexes": [{"field_name": "metadata.title", "type": "text"},
                              {"field_name": "internal_id", "type": "keyword",
                               "field_schema": {"is_tenant": true}, "is_protected": true}]})");
  ASSERT_TRUE(request.ok()) << request.errors().front();
  const auto model = as_model(
      new_namespace(request.value(), "ns_0123456789ab", k_now, default_protected_indexes()));
  EXPECT_EQ(model.namespace_id, "ns_0123456789ab");
  EXPECT_EQ(model.namespace_name, "catalog");
  EXPECT_TRUE(model.auto_create_indexes);
  EXPECT_EQ(model.created_at, k_now);
  EXPECT_EQ(model.updated_at, k_now);
  EXPECT_EQ(model.version, 0);
  auto expected = field_names(default_protected_indexes());
  expected.push_back("metadata.title");
  EXPECT_EQ(field_names(model.payload_indexes), expected);
  EXPECT_EQ(model.feature_extractors.at(0).at("feature_extractor_id"), "text_extractor_v1");
}

TEST(NamespaceCreate, SystemFieldsAreForbiddenEvenWithoutDefaults) {
  const auto request = parse_create_namespace_request(
      R"({"namespace_name": "catalog",
          "feature_extractors": [{"feature_extractor_name": "t", "version": "v1"}],
          "payload_indexes": [{"field_name": "created_at", "type": "datetime"}]})");
  ASSERT_TRUE(request.ok());
  const auto result = new_namespace(request.value(), "ns_x", k_now, {});
  ASSERT_TRUE(std::holds_alternative<protected_index_violation>(result));
  EXPECT_EQ(std::get<protected_index_violation>(result).field_name, "created_at");
}

TEST(NamespaceAutoCreate, AppendsAUserIndexWithItsEvidenceHiddenFromTheApi) {
  const auto current = stored_namespace();
  const auto next = with_auto_created_index(
      current, index_from(R"({"field_name": "metadata.mood", "type": "keyword"})"),
      auto_created_info{k_now, 137}, k_now);
  ASSERT_EQ(next.payload_indexes.size(), current.payload_indexes.size() + 1);
  const auto& added = next.payload_indexes.back();
  EXPECT_FALSE(added.is_protected);
  EXPECT_EQ(added.auto_created, (auto_created_info{k_now, 137}));
  EXPECT_EQ(next.updated_at, k_now);
  EXPECT_EQ(to_storage_json(next).at("payload_indexes").as_array().back().at("auto_created"),
            json(R"({"at": "2024-01-16T10:13:20Z", "trigger_count": 137})"));
  EXPECT_FALSE(to_api_json(next)
                   .at("payload_indexes")
                   .as_array()
                   .back()
                   .as_object()
                   .contains("auto_created"));

  EXPECT_EQ(with_auto_created_index(
                current, index_from(R"({"field_name": "metadata.title", "type": "keyword"})"),
                auto_created_info{k_now, 1}, k_now),
            current);
}

TEST(IndexDiff, FindsCreatesDeletesAndRecreates) {
  const auto old_list = indexes_from(R"([
      {"field_name": "a", "type": "keyword"},
      {"field_name": "b", "type": "integer"},
      {"field_name": "c", "type": "text", "field_schema": {"lowercase": true}},
      {"field_name": "d", "type": "keyword"}])");
  const auto new_list = indexes_from(R"([
      {"field_name": "a", "type": "keyword"},
      {"field_name": "b", "type": "float"},
      {"field_name": "c", "type": "text", "field_schema": {"lowercase": false}},
      {"field_name": "e", "type": "uuid"}])");
  const auto diff = diff_indexes(old_list, new_list);
  EXPECT_EQ(field_names(diff.to_create), (std::vector<std::string>{"e"}));
  EXPECT_EQ(field_names(diff.to_delete), (std::vector<std::string>{"d"}));
  EXPECT_EQ(field_names(diff.to_recreate), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(diff.to_recreate[0].type, index_type::float_);  // the new config
  EXPECT_TRUE(diff_indexes(new_list, new_list).empty());
}

TEST(IndexDiff, EquivalentSchemasAreNotRecreatedButBareVersusObjectFormIs) {
  const auto diff = diff_indexes(indexes_from(R"([
          {"field_name": "a", "type": "text", "field_schema": {"tokenizer": "word",
                                                               "lowercase": true}},
          {"field_name": "b", "type": "keyword"},
          {"field_name": "c", "type": "keyword"},
          {"field_name": "d", "type": "integer", "field_schema": {"lookup": true}}])"),
                                 indexes_from(R"([
          {"field_name": "a", "type": "text", "field_schema": {"type": "text",
                                                               "lowercase": true}},
          {"field_name": "b", "type": "keyword", "field_schema": {"type": "keyword"}},
          {"field_name": "c", "type": "keyword", "field_schema": {"is_tenant": false}},
          {"field_name": "d", "type": "integer", "field_schema": {"lookup": true,
                                                                  "range": null}}])"));
  // "keyword" and {"type": "keyword", "is_tenant": false} are different schemas to Qdrant.
  EXPECT_EQ(field_names(diff.to_recreate), (std::vector<std::string>{"c"}));
  EXPECT_TRUE(diff.to_create.empty());
  EXPECT_TRUE(diff.to_delete.empty());
}

TEST(IndexDiff, CoversProtectedIndexesToo) {
  const auto current = stored_namespace();
  const auto diff = diff_indexes({}, current.payload_indexes);
  EXPECT_EQ(diff.to_create.size(), current.payload_indexes.size());
  EXPECT_EQ(diff_indexes(current.payload_indexes, {}).to_delete.size(),
            current.payload_indexes.size());
}

}  // namespace
}  // namespace index_optimizer
