// The optimizer's index claim as pure steps: what it asks the namespace writer to change, given
// the namespace and Qdrant's payload_schema under the lock, and how the write's result reads in
// the run record.
#include "optimizer/index_claim.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace index_optimizer {
namespace {

payload_index_config keyword(std::string field, std::optional<boost::json::object> schema = {}) {
  payload_index_config c;
  c.field_name = std::move(field);
  c.type = index_type::keyword;
  c.field_schema = std::move(schema);
  return c;
}

field_decision planned(decision_action action, const std::string& field) {
  field_decision d;
  d.evidence.path = field;
  d.evidence.count = 150;
  d.action = action;
  d.index = keyword(field);
  return d;
}

namespace_model shop(std::vector<payload_index_config> indexes = {}) {
  namespace_model ns;
  ns.namespace_id = "ns_shop";
  ns.namespace_name = "shop";
  ns.payload_indexes = std::move(indexes);
  return ns;
}

const auto k_tenant_schema = boost::json::parse(R"({"color": {"data_type": "keyword",
    "params": {"type": "keyword", "is_tenant": true}, "points": 10}})")
                                 .as_object();
const auto k_empty_schema = boost::json::object{};
const auto_created_info k_info{std::chrono::system_clock::time_point(std::chrono::seconds(1)), 150};

// The writer's Qdrant call for color: its outcome and, when Qdrant answered, its UpdateResult.
operation_report call(operation_outcome outcome,
                      std::optional<qdrant_update_result> answer = std::nullopt) {
  operation_report r;
  r.operation = {index_action::create, keyword("color")};
  r.outcome = outcome;
  r.answer = std::move(answer);
  return r;
}

namespace_write_result written(write_status status, std::vector<operation_report> reports = {}) {
  namespace_write_result write;
  write.status = status;
  write.reports = std::move(reports);
  return write;
}

// What record_claim makes of `write` for a claim listing color, starting from an unattempted step;
// `lost` is its answer (the run must stop).
struct recorded {
  field_step step;
  bool lost = false;
};

recorded record(const namespace_write_result& write, index_claim claim = {}) {
  if (claim.index.field_name.empty()) claim.index = keyword("color");
  recorded out;
  out.step.result = field_result::not_attempted;
  out.lost = record_claim(write, claim, k_info, out.step);
  return out;
}

TEST(IndexClaim, AFieldTheNamespaceListedMeanwhileIsLeftAlone) {
  const auto claim =
      decide_claim(planned(decision_action::create, "color"), shop({keyword("color")}), nullptr);
  EXPECT_EQ(claim.what, index_claim::kind::already_listed);
}

TEST(IndexClaim, AnIndexQdrantAlreadyHasIsAdoptedAsQdrantShowsIt) {
  const auto claim =
      decide_claim(planned(decision_action::create, "color"), shop(), &k_tenant_schema);
  EXPECT_EQ(claim.what, index_claim::kind::list);
  EXPECT_EQ(claim.success, field_result::adopted);
  EXPECT_EQ(claim.index,
            keyword("color", boost::json::object{{"type", "keyword"}, {"is_tenant", true}}));
}

TEST(IndexClaim, AQdrantIndexNoConfigExpressesIsLeftToAnOperator) {
  const auto odd =
      boost::json::parse(R"({"color": {"data_type": "sparse_thing", "points": 1}})").as_object();
  EXPECT_EQ(decide_claim(planned(decision_action::create, "color"), shop(), &odd).what,
            index_claim::kind::unexpressible);
}

TEST(IndexClaim, AnAdoptionWhoseIndexVanishedFromQdrantIsNotListed) {
  EXPECT_EQ(decide_claim(planned(decision_action::adopt, "color"), shop(), &k_empty_schema).what,
            index_claim::kind::vanished);
}

TEST(IndexClaim, AMissingIndexIsBuiltAsPlannedAndCatalogOnlyModeListsAdoptionsAsAdopted) {
  auto claim = decide_claim(planned(decision_action::create, "color"), shop(), &k_empty_schema);
  EXPECT_EQ(claim.what, index_claim::kind::list);
  EXPECT_EQ(claim.success, field_result::created);
  EXPECT_EQ(claim.index, keyword("color"));
  claim = decide_claim(planned(decision_action::adopt, "color"), shop(), nullptr);
  EXPECT_EQ(claim.what, index_claim::kind::list);
  EXPECT_EQ(claim.success, field_result::adopted);
}

TEST(IndexClaim, AStoredClaimRecordsTheListedIndexAndQdrantsAnswer) {
  const auto [step, lost] = record(
      written(write_status::stored, {call(operation_outcome::applied, {{42, "completed"}})}));
  EXPECT_FALSE(lost);
  EXPECT_EQ(step.result, field_result::created);
  ASSERT_TRUE(step.decision.index);
  EXPECT_EQ(step.decision.index->auto_created, k_info);
  EXPECT_EQ(step.qdrant, (boost::json::object{{"operation_id", 42}, {"status", "completed"}}));
}

TEST(IndexClaim, ABuildQdrantHasNotFinishedIsAFailureTheNextRunAdopts) {
  const auto [step, lost] = record(written(
      write_status::qdrant_failed, {call(operation_outcome::pending, {{43, "acknowledged"}})}));
  EXPECT_FALSE(lost);
  EXPECT_EQ(step.result, field_result::failed);
  EXPECT_NE(step.error.find("status acknowledged"), std::string::npos) << step.error;
  EXPECT_NE(step.error.find("next run adopts"), std::string::npos) << step.error;
  EXPECT_EQ(step.qdrant, (boost::json::object{{"operation_id", 43}, {"status", "acknowledged"}}));
  EXPECT_FALSE(step.decision.index.has_value());
}

TEST(IndexClaim, ALeaseLostBeforeTheQdrantCallLeavesTheStepUnattempted) {
  const auto [step, lost] = record(written(write_status::withdrawn));
  EXPECT_TRUE(lost);
  EXPECT_EQ(step.result, field_result::not_attempted);
  EXPECT_FALSE(step.qdrant.has_value());
}

TEST(IndexClaim, ALeaseLostAfterTheBuildRecordsThatQdrantKeepsIt) {
  const auto [step, lost] = record(
      written(write_status::withdrawn, {call(operation_outcome::applied, {{44, "completed"}})}));
  EXPECT_TRUE(lost);
  EXPECT_EQ(step.result, field_result::failed);
  EXPECT_NE(step.error.find("next leader adopts it"), std::string::npos) << step.error;
}

TEST(IndexClaim, AClaimQdrantRefusedUnsentIsLeftForTheNextRun) {
  auto write = written(write_status::qdrant_unavailable);
  write.qdrant_failure =
      qdrant_error{qdrant_error::kind::circuit_open, 0, "the circuit breaker is open", false,
                   std::chrono::seconds(5)};
  const auto [step, lost] = record(write);
  EXPECT_FALSE(lost);
  EXPECT_EQ(step.result, field_result::not_attempted);
  EXPECT_NE(step.error.find("next run tries it again"), std::string::npos) << step.error;
  ASSERT_TRUE(step.qdrant);
  EXPECT_EQ(step.qdrant->at("error").at("kind"), "circuit_open");
  EXPECT_EQ(step.qdrant->at("error").at("request_sent"), false);
}

TEST(IndexClaim, AnUnchangedWriteReadsAsTheClaimsReason) {
  for (const auto& [what, result] : std::vector<std::pair<index_claim::kind, field_result>>{
           {index_claim::kind::already_listed, field_result::skipped},
           {index_claim::kind::unexpressible, field_result::skipped},
           {index_claim::kind::vanished, field_result::failed}}) {
    index_claim claim;
    claim.what = what;
    const auto [step, lost] = record(written(write_status::unchanged), claim);
    EXPECT_FALSE(lost);
    EXPECT_EQ(step.result, result);
    EXPECT_FALSE(step.error.empty());
  }
}

TEST(IndexClaim, AListingThatCouldNotBeStoredSaysQdrantHasTheIndex) {
  auto write = written(write_status::unavailable, {call(operation_outcome::applied)});
  write.message = "redis down";
  const auto [step, lost] = record(write);
  EXPECT_FALSE(lost);
  EXPECT_EQ(step.result, field_result::failed);
  EXPECT_NE(step.error.find("redis down"), std::string::npos) << step.error;
  EXPECT_NE(step.error.find("Qdrant has the index"), std::string::npos) << step.error;
}

}  // namespace
}  // namespace index_optimizer
