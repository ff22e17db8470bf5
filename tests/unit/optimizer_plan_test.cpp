// The optimizer's planner: every decision rule, the type/params table, caps and ordering.
#include "optimizer_plan/optimizer_plan.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "namespace_model/protected_indexes.hpp"
#include "optimizer_plan/index_choice.hpp"
#include "text/glob_pattern.hpp"

namespace index_optimizer {
namespace {

using boost::json::parse;
using boost::json::value;

// --- glob_pattern -------------------------------------------------------------------------------

TEST(OptimizerGlob, StarSpansDotsAndBrackets) {
  EXPECT_TRUE(glob_match("metadata.*", "metadata.a"));
  EXPECT_TRUE(glob_match("metadata.*", "metadata.a.b[].c"));
  EXPECT_FALSE(glob_match("metadata.*", "metadata"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("*_id", "tenant_id"));
  EXPECT_FALSE(glob_match("*_id", "tenant_ids"));
  EXPECT_TRUE(glob_match("a*b*c", "aXXbYYbZc"));
  EXPECT_FALSE(glob_match("a*b*c", "aXXbYY"));
}

TEST(OptimizerGlob, QuestionMarkIsOneCharacterAndTheRestIsLiteral) {
  EXPECT_TRUE(glob_match("v?", "v1"));
  EXPECT_FALSE(glob_match("v?", "v"));
  EXPECT_FALSE(glob_match("v?", "v12"));
  EXPECT_TRUE(glob_match("items[].sku", "items[].sku"));
  EXPECT_FALSE(glob_match("items[].sku", "items.sku"));
  EXPECT_FALSE(glob_match("", "a"));
  EXPECT_TRUE(glob_match("", ""));
}

TEST(OptimizerGlob, AnyOfAList) {
  const std::vector<std::string> patterns{"secret.*", "*password*"};
  EXPECT_TRUE(glob_match_any(patterns, "user.password_hash"));
  EXPECT_TRUE(glob_match_any(patterns, "secret.key"));
  EXPECT_FALSE(glob_match_any(patterns, "public.key"));
  EXPECT_FALSE(glob_match_any(std::vector<std::string>{}, "anything"));
}

// --- choose_index_type ------------------------------------------------------------------------

using votes = std::map<index_type, std::uint64_t>;

TEST(OptimizerTypeChoice, NoKnownVoteIsUnknown) {
  EXPECT_EQ(choose_index_type({}), index_type::unknown);
  EXPECT_EQ(choose_index_type({{index_type::unknown, 500}}), index_type::unknown);
}

TEST(OptimizerTypeChoice, SingleTypeWinsWhateverTheUnknownVotes) {
  for (auto type : {index_type::keyword, index_type::integer, index_type::float_, index_type::bool_,
                    index_type::geo, index_type::datetime, index_type::text, index_type::uuid}) {
    EXPECT_EQ(choose_index_type({{type, 1}, {index_type::unknown, 1000}}), type) << to_string(type);
  }
}

TEST(OptimizerTypeChoice, IntegerAndFloatPoolToFloat) {
  EXPECT_EQ(choose_index_type({{index_type::integer, 90}, {index_type::float_, 10}}),
            index_type::float_);
  EXPECT_EQ(choose_index_type({{index_type::integer, 90}}), index_type::integer);
  // Pooled, numeric outvotes keyword although neither numeric type alone does.
  EXPECT_EQ(choose_index_type(
                {{index_type::integer, 40}, {index_type::float_, 40}, {index_type::keyword, 60}}),
            index_type::float_);
}

TEST(OptimizerTypeChoice, KeywordAndUuidPoolToKeyword) {
  EXPECT_EQ(choose_index_type({{index_type::uuid, 99}, {index_type::keyword, 1}}),
            index_type::keyword);
  EXPECT_EQ(choose_index_type({{index_type::uuid, 99}}), index_type::uuid);
}

TEST(OptimizerTypeChoice, MajorityWins) {
  EXPECT_EQ(choose_index_type({{index_type::text, 51}, {index_type::keyword, 50}}),
            index_type::text);
  EXPECT_EQ(choose_index_type({{index_type::datetime, 3}, {index_type::integer, 2}}),
            index_type::datetime);
}

TEST(OptimizerTypeChoice, TiesFollowTheDocumentedOrder) {
  // keyword/uuid, integer/float, datetime, bool, geo, text
  EXPECT_EQ(choose_index_type({{index_type::text, 5}, {index_type::keyword, 5}}),
            index_type::keyword);
  EXPECT_EQ(choose_index_type({{index_type::text, 5}, {index_type::uuid, 5}}), index_type::uuid);
  EXPECT_EQ(choose_index_type({{index_type::integer, 5}, {index_type::keyword, 5}}),
            index_type::keyword);
  EXPECT_EQ(choose_index_type({{index_type::datetime, 5}, {index_type::integer, 5}}),
            index_type::integer);
  EXPECT_EQ(choose_index_type({{index_type::bool_, 5}, {index_type::datetime, 5}}),
            index_type::datetime);
  EXPECT_EQ(choose_index_type({{index_type::geo, 5}, {index_type::bool_, 5}}), index_type::bool_);
  EXPECT_EQ(choose_index_type({{index_type::text, 5}, {index_type::geo, 5}}), index_type::geo);
}

// --- index_for_evidence -----------------------------------------------------------------------

field_evidence evidence(std::string path, std::uint64_t count, votes type_votes,
                        condition_kinds kinds = bit(condition_kind::match)) {
  field_evidence e;
  e.path = std::move(path);
  e.count = count;
  e.type_votes = std::move(type_votes);
  e.kinds = kinds;
  e.last_seen_ms = 1'700'000'000'000;
  e.sample_filter = R"({"must":[{"key":")" + e.path + R"(","match":{"value":"x"}}]})";
  return e;
}

std::string sent_schema(const payload_index_config& index) {
  return boost::json::serialize(qdrant_field_schema(index));
}

constexpr qdrant_version k_v119{1, 19};
constexpr qdrant_version k_v118{1, 18};

TEST(OptimizerIndexParams, PlainTypesSendTheBareName) {
  for (auto type : {index_type::keyword, index_type::float_, index_type::bool_, index_type::geo,
                    index_type::datetime, index_type::text, index_type::uuid}) {
    const auto index = index_for_evidence(evidence("f", 200, {{type, 1}}), type, {});
    EXPECT_EQ(index.field_name, "f");
    EXPECT_EQ(index.type, type);
    EXPECT_FALSE(index.field_schema.has_value()) << to_string(type);
    EXPECT_FALSE(index.is_protected);
    EXPECT_FALSE(index.auto_created.has_value());
    EXPECT_EQ(sent_schema(index), "\"" + std::string(to_string(type)) + "\"");
  }
}

TEST(OptimizerIndexParams, IntegerLookupAndRangeFollowTheConditions) {
  const votes v{{index_type::integer, 1}};
  EXPECT_EQ(sent_schema(index_for_evidence(evidence("n", 200, v, bit(condition_kind::match)),
                                           index_type::integer, {})),
            R"({"type":"integer","lookup":true,"range":false})");
  EXPECT_EQ(sent_schema(index_for_evidence(evidence("n", 200, v, bit(condition_kind::any)),
                                           index_type::integer, {})),
            R"({"type":"integer","lookup":true,"range":false})");
  EXPECT_EQ(sent_schema(index_for_evidence(evidence("n", 200, v, bit(condition_kind::range)),
                                           index_type::integer, {})),
            R"({"type":"integer","lookup":false,"range":true})");
  EXPECT_EQ(sent_schema(index_for_evidence(
                evidence("n", 200, v, bit(condition_kind::match) | bit(condition_kind::range)),
                index_type::integer, {})),
            R"("integer")");
  EXPECT_EQ(sent_schema(index_for_evidence(evidence("n", 200, v, bit(condition_kind::values_count)),
                                           index_type::integer, {})),
            R"("integer")");
}

TEST(OptimizerIndexParams, TextGetsPhraseMatchingOnlyWhenPhrasesWereSeen) {
  const votes v{{index_type::text, 1}};
  EXPECT_EQ(sent_schema(index_for_evidence(evidence("t", 200, v, bit(condition_kind::text)),
                                           index_type::text, {})),
            R"("text")");
  EXPECT_EQ(sent_schema(index_for_evidence(
                evidence("t", 200, v, bit(condition_kind::text) | bit(condition_kind::phrase)),
                index_type::text, {})),
            R"({"type":"text","phrase_matching":true})");
}

TEST(OptimizerIndexParams, TenantFieldsGetIsTenantOnKeywordAndUuidOnly) {
  const index_choice_options tenant{.tenant = true, .server_version = std::nullopt};
  EXPECT_EQ(sent_schema(index_for_evidence(evidence("org", 200, {}), index_type::keyword, tenant)),
            R"({"type":"keyword","is_tenant":true})");
  EXPECT_EQ(sent_schema(index_for_evidence(evidence("org", 200, {}), index_type::uuid, tenant)),
            R"({"type":"uuid","is_tenant":true})");
  EXPECT_EQ(sent_schema(index_for_evidence(evidence("org", 200, {}), index_type::float_, tenant)),
            R"("float")");
}

TEST(OptimizerIndexParams, KeywordPrefixNeedsPrefixConditionsAndQdrant119) {
  const auto prefix = evidence("p", 200, {}, bit(condition_kind::prefix));
  EXPECT_EQ(
      sent_schema(index_for_evidence(prefix, index_type::keyword, {.server_version = k_v119})),
      R"({"type":"keyword","prefix":true})");
  EXPECT_EQ(
      sent_schema(index_for_evidence(prefix, index_type::keyword, {.server_version = k_v118})),
      R"("keyword")");
  EXPECT_EQ(sent_schema(index_for_evidence(prefix, index_type::keyword, {})), R"("keyword")");
  EXPECT_EQ(sent_schema(index_for_evidence(evidence("p", 200, {}, bit(condition_kind::match)),
                                           index_type::keyword, {.server_version = k_v119})),
            R"("keyword")");
  EXPECT_EQ(sent_schema(index_for_evidence(prefix, index_type::keyword,
                                           {.tenant = true, .server_version = k_v119})),
            R"({"type":"keyword","is_tenant":true,"prefix":true})");
}

TEST(OptimizerIndexParams, EveryChosenSchemaPassesTheModelsValidation) {
  const condition_kinds all = bit(condition_kind::match) | bit(condition_kind::range) |
                              bit(condition_kind::phrase) | bit(condition_kind::prefix);
  for (auto type : {index_type::keyword, index_type::integer, index_type::float_, index_type::bool_,
                    index_type::geo, index_type::datetime, index_type::text, index_type::uuid}) {
    for (condition_kinds kinds :
         {condition_kinds{0}, bit(condition_kind::match), bit(condition_kind::range), all}) {
      const auto index = index_for_evidence(evidence("f", 200, {}, kinds), type,
                                            {.tenant = true, .server_version = k_v119});
      if (!index.field_schema) continue;
      std::vector<validation_error> errors;
      validate_field_schema(type, *index.field_schema, {}, errors);
      EXPECT_TRUE(errors.empty()) << sent_schema(index);
    }
  }
}

// --- index_from_payload_schema ----------------------------------------------------------------

TEST(OptimizerAdoption, BareIndexBecomesABareConfig) {
  const auto index =
      index_from_payload_schema("color", parse(R"({"data_type":"keyword","points":10})"));
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->type, index_type::keyword);
  EXPECT_FALSE(index->field_schema.has_value());
}

TEST(OptimizerAdoption, ParamsAreKeptWithoutNulls) {
  const auto index = index_from_payload_schema("n", parse(R"({"data_type":"integer","points":3,
                    "params":{"type":"integer","lookup":true,"range":false,"is_principal":null}})"));
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(sent_schema(*index), R"({"type":"integer","lookup":true,"range":false})");
  const auto text = index_from_payload_schema(
      "t", parse(R"({"data_type":"text","params":{"type":"text","tokenizer":"word",
                                                   "phrase_matching":true}})"));
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->type, index_type::text);
}

TEST(OptimizerAdoption, InexpressibleEntriesAreRefused) {
  EXPECT_FALSE(index_from_payload_schema("x", parse(R"({"data_type":"vector"})")).has_value());
  EXPECT_FALSE(index_from_payload_schema("x", parse(R"({"points":1})")).has_value());
  EXPECT_FALSE(index_from_payload_schema("x", parse(R"("keyword")")).has_value());
  // {"type": "integer"} with nothing set: the bare config would re-send "integer", which Qdrant
  // treats as a different schema.
  EXPECT_FALSE(index_from_payload_schema(
                   "x", parse(R"({"data_type":"integer","params":{"type":"integer","lookup":null,
                                                               "range":null,"is_principal":null}})"))
                   .has_value());
  // A param of another type.
  EXPECT_FALSE(
      index_from_payload_schema(
          "x", parse(R"({"data_type":"float","params":{"type":"float","is_tenant":true}})"))
          .has_value());
}

// --- plan_run ---------------------------------------------------------------------------------

namespace_model space(std::string id, std::vector<payload_index_config> user_indexes = {}) {
  namespace_model m;
  m.namespace_id = std::move(id);
  m.namespace_name = m.namespace_id + "_name";
  m.auto_create_indexes = true;
  m.payload_indexes = default_protected_indexes();
  for (auto& index : user_indexes)
    m.payload_indexes.push_back(std::move(index));
  return m;
}

payload_index_config user_index(std::string field, index_type type = index_type::keyword) {
  payload_index_config c;
  c.field_name = std::move(field);
  c.type = type;
  return c;
}

qdrant_collection_info collection(std::string schema_json = "{}",
                                  std::optional<std::uint64_t> points = 1000) {
  qdrant_collection_info info;
  info.points_count = points;
  info.status = "green";
  info.payload_schema = parse(schema_json).as_object();
  return info;
}

plan_settings settings() {
  plan_settings s;
  s.threshold = 100;
  s.max_indexes_per_run = 20;
  s.max_indexes_per_namespace = 10;
  s.max_payload_indexes = 0;
  s.server_version = k_v119;
  return s;
}

const votes k_keyword{{index_type::keyword, 1}};

const field_decision& decision_for(const namespace_plan& plan, std::string_view field) {
  for (const auto& d : plan.decisions) {
    if (d.evidence.path == field) return d;
  }
  throw std::runtime_error("no decision for " + std::string(field));
}

TEST(OptimizerPlan, ThresholdIsStrictlyGreater) {
  const auto plans = plan_run({{space("ns_a"),
                                {evidence("at", 100, k_keyword), evidence("above", 101, k_keyword),
                                 evidence("zero", 0, k_keyword)},
                                collection()}},
                              settings());
  ASSERT_EQ(plans.size(), 1u);
  const auto& at = decision_for(plans[0], "at");
  EXPECT_EQ(at.action, decision_action::skip);
  EXPECT_EQ(at.reason, decision_reason::below_threshold);
  EXPECT_THAT(at.detail, ::testing::HasSubstr("100 queries"));
  const auto& above = decision_for(plans[0], "above");
  EXPECT_EQ(above.action, decision_action::create);
  EXPECT_EQ(above.reason, decision_reason::above_threshold);
  ASSERT_TRUE(above.index.has_value());
  EXPECT_EQ(above.index->field_name, "above");
  EXPECT_EQ(above.index->type, index_type::keyword);
  EXPECT_FALSE(above.index->is_protected);
  EXPECT_EQ(decision_for(plans[0], "zero").reason, decision_reason::below_threshold);
}

TEST(OptimizerPlan, ThresholdZeroIndexesAnyUsedField) {
  auto s = settings();
  s.threshold = 0;
  const auto plans = plan_run({{space("ns_a"), {evidence("once", 1, k_keyword)}, collection()}}, s);
  EXPECT_EQ(plans[0].decisions[0].action, decision_action::create);
}

TEST(OptimizerPlan, ProtectedAndSystemFieldsAreNeverTouched) {
  payload_index_config protected_user = user_index("custom_protected");
  protected_user.is_protected = true;
  auto ns = space("ns_a", {protected_user});
  const auto plans = plan_run(
      {{ns,
        {evidence("internal_id", 5000, k_keyword), evidence("_internal.trace", 5000, k_keyword),
         evidence("batch_id", 5000, k_keyword), evidence("custom_protected", 5000, k_keyword)},
        collection(R"({"batch_id":{"data_type":"keyword"}})")}},
      settings());
  for (const auto& d : plans[0].decisions) {
    EXPECT_EQ(d.action, decision_action::skip) << d.evidence.path;
    EXPECT_EQ(d.reason, decision_reason::protected_or_system) << d.evidence.path;
  }
}

TEST(OptimizerPlan, FieldsTheNamespaceListsAreAlreadyIndexed) {
  const auto plans = plan_run(
      {{space("ns_a", {user_index("color"), user_index("size", index_type::integer)}),
        {evidence("color", 500, k_keyword), evidence("size", 500, {{index_type::float_, 1}})},
        collection()}},
      settings());
  for (const auto& d : plans[0].decisions) {
    EXPECT_EQ(d.reason, decision_reason::already_indexed) << d.evidence.path;
    EXPECT_EQ(d.action, decision_action::skip);
  }
  EXPECT_THAT(decision_for(plans[0], "size").detail, ::testing::HasSubstr("integer"));
}

TEST(OptimizerPlan, DenyWinsOverAllowAndAllowRestricts) {
  auto s = settings();
  s.deny_fields = {"secret.*"};
  s.allow_fields = {"secret.*", "metadata.*"};
  const auto plans =
      plan_run({{space("ns_a"),
                 {evidence("secret.token", 500, k_keyword),
                  evidence("metadata.color", 500, k_keyword), evidence("other", 500, k_keyword)},
                 collection()}},
               s);
  EXPECT_EQ(decision_for(plans[0], "secret.token").reason, decision_reason::denied_by_pattern);
  EXPECT_THAT(decision_for(plans[0], "secret.token").detail, ::testing::HasSubstr("deny_fields"));
  EXPECT_EQ(decision_for(plans[0], "other").reason, decision_reason::denied_by_pattern);
  EXPECT_THAT(decision_for(plans[0], "other").detail, ::testing::HasSubstr("allow_fields"));
  EXPECT_EQ(decision_for(plans[0], "metadata.color").action, decision_action::create);
}

TEST(OptimizerPlan, DeniedFieldsSayDeniedEvenBelowTheThreshold) {
  auto s = settings();
  s.deny_fields = {"*"};
  const auto plans = plan_run({{space("ns_a"), {evidence("f", 3, k_keyword)}, collection()}}, s);
  EXPECT_EQ(plans[0].decisions[0].reason, decision_reason::denied_by_pattern);
}

TEST(OptimizerPlan, QdrantsExistingIndexIsAdoptedAsItIs) {
  const auto plans =
      plan_run({{space("ns_a"),
                 {evidence("color", 500, k_keyword), evidence("n", 500, {{index_type::integer, 1}}),
                  evidence("weird", 500, k_keyword), evidence("cold", 5, k_keyword)},
                 collection(R"({"color":{"data_type":"keyword","points":5},
                       "n":{"data_type":"integer","params":{"type":"integer","lookup":false,
                            "range":true,"is_principal":null}},
                       "weird":{"data_type":"integer","params":{"type":"integer","lookup":null,
                            "range":null,"is_principal":null}},
                       "cold":{"data_type":"keyword"}})")}},
               settings());
  const auto& color = decision_for(plans[0], "color");
  EXPECT_EQ(color.action, decision_action::adopt);
  EXPECT_EQ(color.reason, decision_reason::already_in_qdrant);
  ASSERT_TRUE(color.index.has_value());
  EXPECT_EQ(sent_schema(*color.index), R"("keyword")");
  const auto& n = decision_for(plans[0], "n");
  EXPECT_EQ(n.action, decision_action::adopt);
  EXPECT_EQ(sent_schema(*n.index), R"({"type":"integer","lookup":false,"range":true})");
  const auto& weird = decision_for(plans[0], "weird");
  EXPECT_EQ(weird.action, decision_action::skip);
  EXPECT_EQ(weird.reason, decision_reason::already_in_qdrant);
  EXPECT_FALSE(weird.index.has_value());
  // Adoption needs the threshold too: it is the optimizer claiming the field.
  EXPECT_EQ(decision_for(plans[0], "cold").reason, decision_reason::below_threshold);
}

TEST(OptimizerPlan, UnknownTypeIsSkipped) {
  const auto plans =
      plan_run({{space("ns_a"),
                 {evidence("tmpl", 500, {{index_type::unknown, 500}}, bit(condition_kind::exists)),
                  evidence("none", 500, {})},
                 collection()}},
               settings());
  for (const auto& d : plans[0].decisions)
    EXPECT_EQ(d.reason, decision_reason::unknown_type) << d.evidence.path;
}

TEST(OptimizerPlan, CollectionTooLargeBlocksCreatesButNotAdoptions) {
  auto s = settings();
  s.max_points = 1000;
  const auto plans = plan_run(
      {{space("ns_big"),
        {evidence("new", 500, k_keyword), evidence("have", 500, k_keyword)},
        collection(R"({"have":{"data_type":"keyword"}})", 1001)},
       {space("ns_edge"), {evidence("new", 500, k_keyword)}, collection("{}", 1000)},
       {space("ns_unknown"), {evidence("new", 500, k_keyword)}, collection("{}", std::nullopt)}},
      s);
  EXPECT_EQ(decision_for(plans[0], "new").reason, decision_reason::collection_too_large);
  EXPECT_THAT(decision_for(plans[0], "new").detail, ::testing::HasSubstr("1001"));
  EXPECT_EQ(decision_for(plans[0], "have").action, decision_action::adopt);
  EXPECT_EQ(decision_for(plans[1], "new").action, decision_action::create);
  EXPECT_EQ(decision_for(plans[2], "new").action, decision_action::create);
}

TEST(OptimizerPlan, DecisionsAreOrderedByCountThenPath) {
  const auto plans = plan_run({{space("ns_a"),
                                {evidence("b", 200, k_keyword), evidence("c", 900, k_keyword),
                                 evidence("a", 200, k_keyword), evidence("d", 5, k_keyword)},
                                collection()}},
                              settings());
  std::vector<std::string> order;
  for (const auto& d : plans[0].decisions)
    order.push_back(d.evidence.path);
  EXPECT_THAT(order, ::testing::ElementsAre("c", "a", "b", "d"));
}

TEST(OptimizerPlan, NamespaceCapKeepsTheBusiestFields) {
  auto s = settings();
  s.max_indexes_per_namespace = 2;
  const auto plans = plan_run({{space("ns_a"),
                                {evidence("f1", 300, k_keyword), evidence("f2", 200, k_keyword),
                                 evidence("f3", 400, k_keyword)},
                                collection()}},
                              s);
  EXPECT_EQ(decision_for(plans[0], "f3").action, decision_action::create);
  EXPECT_EQ(decision_for(plans[0], "f1").action, decision_action::create);
  const auto& f2 = decision_for(plans[0], "f2");
  EXPECT_EQ(f2.reason, decision_reason::namespace_cap_reached);
  EXPECT_FALSE(f2.index.has_value());
  EXPECT_THAT(f2.detail, ::testing::HasSubstr("max_indexes_per_namespace"));
  EXPECT_EQ(plans[0].count(decision_action::create), 2u);
}

TEST(OptimizerPlan, RunCapIsSharedByCountAcrossNamespaces) {
  auto s = settings();
  s.max_indexes_per_run = 3;
  const auto plans = plan_run({{space("ns_a"),
                                {evidence("a1", 150, k_keyword), evidence("a2", 1000, k_keyword)},
                                collection()},
                               {space("ns_b"),
                                {evidence("b1", 900, k_keyword), evidence("b2", 800, k_keyword),
                                 evidence("b3", 150, k_keyword)},
                                collection()}},
                              s);
  EXPECT_EQ(decision_for(plans[0], "a2").action, decision_action::create);
  EXPECT_EQ(decision_for(plans[1], "b1").action, decision_action::create);
  EXPECT_EQ(decision_for(plans[1], "b2").action, decision_action::create);
  // Same count in both namespaces: the earlier namespace wins the tie, but the cap is reached.
  EXPECT_EQ(decision_for(plans[0], "a1").reason, decision_reason::run_cap_reached);
  EXPECT_EQ(decision_for(plans[1], "b3").reason, decision_reason::run_cap_reached);
  EXPECT_THAT(decision_for(plans[0], "a1").detail, ::testing::HasSubstr("max_indexes_per_run"));
}

TEST(OptimizerPlan, RunCapTiesGoToTheEarlierNamespace) {
  auto s = settings();
  s.max_indexes_per_run = 1;
  const auto plans = plan_run({{space("ns_a"), {evidence("a", 500, k_keyword)}, collection()},
                               {space("ns_b"), {evidence("b", 500, k_keyword)}, collection()}},
                              s);
  EXPECT_EQ(decision_for(plans[0], "a").action, decision_action::create);
  EXPECT_EQ(decision_for(plans[1], "b").reason, decision_reason::run_cap_reached);
}

TEST(OptimizerPlan, MaxPayloadIndexesCountsTheNamespaceAndQdrantTogether) {
  auto s = settings();
  s.max_payload_indexes = 14;  // 12 protected + "listed" + "in_qdrant_only" = 14 already
  auto ns = space("ns_a", {user_index("listed")});
  const auto full =
      plan_run({{ns,
                 {evidence("new", 500, k_keyword), evidence("in_qdrant_only", 500, k_keyword)},
                 collection(R"({"listed":{"data_type":"keyword"},
                                              "in_qdrant_only":{"data_type":"keyword"}})")}},
               s);
  EXPECT_EQ(decision_for(full[0], "new").reason, decision_reason::namespace_cap_reached);
  EXPECT_THAT(decision_for(full[0], "new").detail, ::testing::HasSubstr("max_payload_indexes"));
  // Adopting adds nothing to the collection, so the cap does not stop it.
  EXPECT_EQ(decision_for(full[0], "in_qdrant_only").action, decision_action::adopt);

  s.max_payload_indexes = 15;
  const auto room = plan_run({{ns,
                               {evidence("new", 500, k_keyword), evidence("new2", 400, k_keyword)},
                               collection(R"({"in_qdrant_only":{"data_type":"keyword"}})")}},
                             s);
  EXPECT_EQ(decision_for(room[0], "new").action, decision_action::create);
  EXPECT_EQ(decision_for(room[0], "new2").reason, decision_reason::namespace_cap_reached);
}

TEST(OptimizerPlan, CatalogOnlyPlansWithoutQdrant) {
  auto s = settings();
  s.max_points = 1;
  const auto plans = plan_run(
      {{space("ns_a"), {evidence("p", 500, k_keyword, bit(condition_kind::prefix))}, std::nullopt}},
      s);
  const auto& d = plans[0].decisions[0];
  EXPECT_EQ(d.action, decision_action::create);
  // No server to ask: version-dependent params are left out.
  EXPECT_EQ(sent_schema(*d.index), R"("keyword")");
  EXPECT_EQ(plans[0].collection, "ns_a");
}

TEST(OptimizerPlan, TenantFieldsAndChosenTypeReachTheIndex) {
  auto s = settings();
  s.tenant_fields = {"*tenant*"};
  const auto plans =
      plan_run({{space("ns_a"),
                 {evidence("tenant_id", 500, {{index_type::uuid, 300}, {index_type::keyword, 1}}),
                  evidence("price", 500, {{index_type::integer, 3}, {index_type::float_, 1}},
                           bit(condition_kind::range))},
                 collection()}},
               s);
  EXPECT_EQ(sent_schema(*decision_for(plans[0], "tenant_id").index),
            R"({"type":"keyword","is_tenant":true})");
  EXPECT_EQ(decision_for(plans[0], "price").chosen_type, index_type::float_);
  EXPECT_EQ(sent_schema(*decision_for(plans[0], "price").index), R"("float")");
}

TEST(OptimizerPlan, DecisionJsonCarriesTheEvidence) {
  auto e = evidence("color", 150, {{index_type::keyword, 140}, {index_type::unknown, 10}},
                    bit(condition_kind::match) | bit(condition_kind::any));
  e.avg_latency_ms = 12.5;
  const auto plans = plan_run({{space("ns_a"), {e}, collection()}}, settings());
  const auto json = to_json(plans[0].decisions[0]);
  EXPECT_EQ(json.at("field_name"), "color");
  EXPECT_EQ(json.at("action"), "create");
  EXPECT_EQ(json.at("reason"), "above_threshold");
  EXPECT_EQ(json.at("index_type"), "keyword");
  EXPECT_EQ(json.at("field_schema"), "keyword");
  EXPECT_EQ(json.at("index").at("is_protected"), false);
  const auto& ev = json.at("evidence").as_object();
  EXPECT_EQ(ev.at("count"), 150);
  EXPECT_EQ(ev.at("type_votes").at("keyword"), 140);
  EXPECT_EQ(ev.at("type_votes").at("unknown"), 10);
  EXPECT_EQ(ev.at("condition_kinds"), parse(R"(["match","any"])"));
  EXPECT_EQ(ev.at("sample_filter").at("must").at(0).at("key"), "color");
  EXPECT_EQ(ev.at("last_seen_at"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(ev.at("first_seen_at"), nullptr);
  EXPECT_EQ(ev.at("avg_latency_ms"), 12.5);
  EXPECT_EQ(ev.at("p95_latency_ms"), nullptr);
}

TEST(OptimizerPlan, ACutSampleStaysText) {
  auto e = evidence("color", 5, k_keyword);
  e.sample_filter = R"({"must":[{"key":"co)";
  const auto json = to_json(e);
  EXPECT_EQ(json.at("sample_filter"), R"({"must":[{"key":"co)");
}

}  // namespace
}  // namespace index_optimizer
