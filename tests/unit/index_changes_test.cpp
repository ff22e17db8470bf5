#include "namespace_writer/index_changes.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace index_optimizer {
namespace {

payload_index_config index(std::string field, index_type type,
                           std::optional<boost::json::object> schema = {}) {
  payload_index_config c;
  c.field_name = std::move(field);
  c.type = type;
  c.field_schema = std::move(schema);
  return c;
}

const auto k_tenant = boost::json::object{{"is_tenant", true}};

operation_report report(index_action action, payload_index_config config,
                        operation_outcome outcome) {
  operation_report r;
  r.operation = {action, std::move(config)};
  r.outcome = outcome;
  return r;
}

std::vector<std::string> fields(const std::vector<payload_index_config>& list) {
  std::vector<std::string> out;
  for (const auto& c : list)
    out.push_back(c.field_name);
  return out;
}

TEST(IndexChanges, OperationsCreateThenDeleteThenRecreate) {
  const auto diff = diff_indexes(
      {index("gone", index_type::keyword), index("changed", index_type::keyword)},
      {index("changed", index_type::keyword, k_tenant), index("new", index_type::integer)});
  const auto ops = index_operations(diff);
  ASSERT_EQ(ops.size(), 3u);
  EXPECT_EQ(ops[0], (index_operation{index_action::create, index("new", index_type::integer)}));
  EXPECT_EQ(ops[1].action, index_action::delete_);
  EXPECT_EQ(ops[1].index.field_name, "gone");
  EXPECT_EQ(ops[2], (index_operation{index_action::recreate,
                                     index("changed", index_type::keyword, k_tenant)}));
}

TEST(IndexChanges, VisibilityReadsQdrantsPayloadSchema) {
  const auto schema = boost::json::parse(R"({
      "plain": {"data_type": "keyword", "points": 3},
      "tenant": {"data_type": "keyword", "params": {"type": "keyword", "is_tenant": true},
                 "points": 3}})")
                          .as_object();
  EXPECT_TRUE(
      operation_visible({index_action::create, index("plain", index_type::keyword)}, schema));
  EXPECT_FALSE(
      operation_visible({index_action::create, index("plain", index_type::integer)}, schema));
  EXPECT_FALSE(operation_visible(
      {index_action::recreate, index("plain", index_type::keyword, k_tenant)}, schema));
  EXPECT_TRUE(operation_visible(
      {index_action::recreate, index("tenant", index_type::keyword, k_tenant)}, schema));
  EXPECT_FALSE(
      operation_visible({index_action::create, index("absent", index_type::keyword)}, schema));
  EXPECT_TRUE(
      operation_visible({index_action::delete_, index("absent", index_type::keyword)}, schema));
  EXPECT_FALSE(
      operation_visible({index_action::delete_, index("plain", index_type::keyword)}, schema));
}

TEST(IndexChanges, FoldRecordsAppliedOperationsAndNeverClaimsAnUnknownOne) {
  const std::vector<payload_index_config> before{
      index("keep", index_type::keyword), index("drop", index_type::keyword),
      index("rebuild", index_type::keyword), index("maybe_gone", index_type::keyword),
      index("maybe_rebuilt", index_type::keyword)};
  const std::vector<operation_report> reports{
      report(index_action::create, index("added", index_type::integer), operation_outcome::applied),
      report(index_action::delete_, index("drop", index_type::keyword), operation_outcome::applied),
      report(index_action::recreate, index("rebuild", index_type::keyword, k_tenant),
             operation_outcome::applied),
      report(index_action::create, index("failed_add", index_type::integer),
             operation_outcome::failed),
      report(index_action::create, index("unknown_add", index_type::integer),
             operation_outcome::unknown),
      report(index_action::delete_, index("maybe_gone", index_type::keyword),
             operation_outcome::unknown),
      report(index_action::recreate, index("maybe_rebuilt", index_type::text),
             operation_outcome::unknown),
      report(index_action::delete_, index("keep", index_type::keyword),
             operation_outcome::not_attempted)};
  const auto after = fold_reports(before, reports);
  EXPECT_EQ(fields(after), (std::vector<std::string>{"keep", "rebuild", "added"}));
  EXPECT_EQ(after[1], index("rebuild", index_type::keyword, k_tenant));
  EXPECT_FALSE(all_applied(reports));
  EXPECT_TRUE(all_applied({reports[0], reports[1]}));
  EXPECT_TRUE(all_applied({}));
}

TEST(IndexChanges, RestoreBringsTouchedFieldsBackToTheTargetOncePerField) {
  const std::vector<operation_report> touched{
      report(index_action::create, index("a", index_type::keyword), operation_outcome::applied),
      report(index_action::delete_, index("b", index_type::keyword), operation_outcome::unknown),
      report(index_action::create, index("a", index_type::keyword), operation_outcome::applied),
      report(index_action::create, index("c", index_type::keyword), operation_outcome::failed)};
  const auto ops = restore_operations(touched, {index("b", index_type::keyword, k_tenant)});
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0], (index_operation{index_action::delete_, index("a", index_type::keyword)}));
  EXPECT_EQ(ops[1],
            (index_operation{index_action::recreate, index("b", index_type::keyword, k_tenant)}));
}

TEST(IndexChanges, ReportJsonGroupsOperationsByOutcome) {
  auto failed = report(index_action::create, index("f", index_type::keyword, k_tenant),
                       operation_outcome::failed);
  failed.error = "HTTP 400: Bad request";
  auto pending =
      report(index_action::create, index("p", index_type::integer), operation_outcome::pending);
  pending.answer = qdrant_update_result{7, "wait_timeout"};
  pending.error = "not finished";
  const auto json = to_json(
      {report(index_action::delete_, index("d", index_type::keyword), operation_outcome::applied),
       failed, pending});
  EXPECT_EQ(json, boost::json::parse(R"({
      "applied": [{"field_name": "d", "action": "delete", "type": "keyword"}],
      "pending": [{"field_name": "p", "action": "create", "type": "integer",
                   "field_schema": "integer", "error": "not finished",
                   "qdrant_status": "wait_timeout"}],
      "failed": [{"field_name": "f", "action": "create", "type": "keyword",
                  "field_schema": {"type": "keyword", "is_tenant": true},
                  "error": "HTTP 400: Bad request"}],
      "unknown": [], "not_sent": [], "not_attempted": []})"));
}

// A call that never reached Qdrant (connection refused, circuit breaker open) leaves the index
// list as it was and has nothing to undo: Qdrant certainly does not have its result.
TEST(IndexChanges, NotSentOperationsChangeNothingAndNeedNoUndo) {
  const std::vector<operation_report> reports{
      report(index_action::create, index("a", index_type::keyword), operation_outcome::applied),
      report(index_action::delete_, index("b", index_type::integer), operation_outcome::not_sent),
      report(index_action::recreate, index("c", index_type::keyword, k_tenant),
             operation_outcome::not_sent)};
  const auto folded =
      fold_reports({index("b", index_type::integer), index("c", index_type::keyword)}, reports);
  EXPECT_EQ(folded, (std::vector<payload_index_config>{index("b", index_type::integer),
                                                       index("c", index_type::keyword),
                                                       index("a", index_type::keyword)}));
  const auto undo = restore_operations(reports, {});
  ASSERT_EQ(undo.size(), 1u);
  EXPECT_EQ(undo[0].index.field_name, "a");
  EXPECT_EQ(to_json(reports).at("not_sent").as_array().size(), 2u);
  EXPECT_FALSE(all_applied(reports));
}

// Qdrant's `acknowledged` and `wait_timeout` answers say the operation is not finished: the
// stored list claims nothing of it, as for an unknown outcome, and undoing covers it.
TEST(IndexChanges, APendingOperationIsNeverClaimedAndIsUndoneLikeAnAppliedOne) {
  const std::vector<payload_index_config> before{index("rebuilding", index_type::keyword),
                                                 index("dropping", index_type::keyword)};
  const std::vector<operation_report> reports{
      report(index_action::create, index("building", index_type::integer),
             operation_outcome::pending),
      report(index_action::recreate, index("rebuilding", index_type::keyword, k_tenant),
             operation_outcome::pending),
      report(index_action::delete_, index("dropping", index_type::keyword),
             operation_outcome::pending)};
  EXPECT_TRUE(fold_reports(before, reports).empty());
  EXPECT_FALSE(all_applied(reports));
  EXPECT_TRUE(any_touched({reports[0]}));
  EXPECT_TRUE(touched_qdrant(reports[0]));
  const auto ops = restore_operations({reports[0]}, {});
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0],
            (index_operation{index_action::delete_, index("building", index_type::integer)}));
}

}  // namespace
}  // namespace index_optimizer
