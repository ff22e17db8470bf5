// The optimizer's pure runtime pieces: run records and their JSON, the run request body, the
// schedule arithmetic, lease tokens and window evidence.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "optimizer/optimizer_routes.hpp"
#include "optimizer/run_record.hpp"
#include "optimizer/window_evidence.hpp"
#include "optimizer_store/leader_lease.hpp"
#include "optimizer_store/run_schedule.hpp"

namespace index_optimizer {
namespace {

using boost::json::parse;
using std::chrono::system_clock;

system_clock::time_point at_seconds(std::int64_t s) {
  return system_clock::time_point(std::chrono::seconds(s));
}

// --- next_run_after ---------------------------------------------------------------------------

TEST(OptimizerSchedule, NextRunStaysOnTheGridAndNeverCatchesUpInBursts) {
  constexpr std::int64_t h6 = 6 * 3600 * 1000;
  // Finished inside the first period: one interval after the due time.
  EXPECT_EQ(next_run_after(1000, 1000 + 5000, h6), 1000 + h6);
  // Due time itself.
  EXPECT_EQ(next_run_after(1000, 1000, h6), 1000 + h6);
  // Down for two and a half days: one run now, the next on the grid after now.
  EXPECT_EQ(next_run_after(0, 10 * h6 + 7, h6), 11 * h6);
  // Exactly on a grid point: the next one.
  EXPECT_EQ(next_run_after(0, 3 * h6, h6), 4 * h6);
  // A clock behind the due time still moves on by one interval.
  EXPECT_EQ(next_run_after(5000, 4000, 100), 5100);
}

// --- lease tokens -----------------------------------------------------------------------------

TEST(OptimizerLeaseToken, ParsesFenceAndInstance) {
  const auto token = parse_lease_token("42:abcdef:host-a:123");
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->fence, 42);
  EXPECT_EQ(token->instance_id, "host-a:123");
  EXPECT_EQ(token->value, "42:abcdef:host-a:123");
}

TEST(OptimizerLeaseToken, RejectsForeignValues) {
  EXPECT_FALSE(parse_lease_token("").has_value());
  EXPECT_FALSE(parse_lease_token("pending").has_value());
  EXPECT_FALSE(parse_lease_token("x:y:z").has_value());
  EXPECT_FALSE(parse_lease_token("0:n:i").has_value());
  EXPECT_FALSE(parse_lease_token("-3:n:i").has_value());
  EXPECT_FALSE(parse_lease_token("7:n").has_value());
}

// --- the run request body ---------------------------------------------------------------------

TEST(OptimizerRunRequest, EmptyBodyAndEmptyObjectMeanDefaults) {
  for (const char* body : {"", "  \n", "{}", R"({"dry_run": null, "namespaces": null})"}) {
    const auto parsed = parse_optimizer_run_request(body);
    ASSERT_TRUE(parsed.ok()) << body;
    EXPECT_EQ(parsed.value(), optimizer_run_request{}) << body;
  }
}

TEST(OptimizerRunRequest, ReadsDryRunAndNamespaces) {
  const auto parsed =
      parse_optimizer_run_request(R"({"dry_run": true, "namespaces": ["ns_a", "shop"]})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value().dry_run, true);
  EXPECT_THAT(*parsed.value().namespaces, ::testing::ElementsAre("ns_a", "shop"));
}

std::vector<std::string> error_types(const validation_result<optimizer_run_request>& parsed) {
  std::vector<std::string> types;
  for (const auto& e : parsed.errors())
    types.push_back(e.type);
  return types;
}

TEST(OptimizerRunRequest, ReportsEveryBadFieldPydanticStyle) {
  EXPECT_THAT(error_types(parse_optimizer_run_request("{")),
              ::testing::ElementsAre("json_invalid"));
  EXPECT_THAT(error_types(parse_optimizer_run_request("[]")),
              ::testing::ElementsAre("model_attributes_type"));
  const auto bad = parse_optimizer_run_request(
      R"({"dry_run": "maybe", "namespaces": ["ok", 3, ""], "force": true})");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(error_types(bad), ::testing::UnorderedElementsAre("extra_forbidden", "bool_type",
                                                                "string_type", "string_too_short"));
  const auto& located = bad.errors();
  const bool names_index = std::any_of(located.begin(), located.end(), [](const auto& e) {
    return e.type == "string_type" &&
           e.location ==
               error_location{std::string("body"), std::string("namespaces"), std::int64_t{1}};
  });
  EXPECT_TRUE(names_index);
  EXPECT_THAT(error_types(parse_optimizer_run_request(R"({"namespaces": []})")),
              ::testing::ElementsAre("too_short"));
  EXPECT_THAT(error_types(parse_optimizer_run_request(R"({"namespaces": "ns_a"})")),
              ::testing::ElementsAre("list_type"));
}

// --- run records --------------------------------------------------------------------------------

field_step step(std::string field, std::uint64_t count, decision_action action,
                decision_reason reason, field_result result) {
  field_step s;
  s.decision.evidence.path = std::move(field);
  s.decision.evidence.count = count;
  s.decision.evidence.type_votes = {{index_type::keyword, count}};
  s.decision.action = action;
  s.decision.reason = reason;
  s.decision.chosen_type = index_type::keyword;
  if (action != decision_action::skip) {
    payload_index_config index;
    index.field_name = s.decision.evidence.path;
    index.type = index_type::keyword;
    s.decision.index = index;
  }
  s.result = result;
  return s;
}

run_record sample_run() {
  run_record run;
  run.run_id = "run_abc";
  run.status = run_status::partial;
  run.trigger = run_trigger::api;
  run.leader = "host-a";
  run.fence = 7;
  run.started_at = at_seconds(1'700'000'000);
  run.finished_at = at_seconds(1'700'000'002);
  run.qdrant_version = "1.19.0";
  namespace_run ok;
  ok.namespace_id = "ns_a";
  ok.namespace_name = "alpha";
  ok.collection = "ns_a";
  ok.status = namespace_status::done;
  ok.points_count = 10;
  ok.fields.push_back(step("color", 150, decision_action::create, decision_reason::above_threshold,
                           field_result::created));
  ok.fields.back().qdrant = boost::json::object{{"operation_id", 5}, {"status", "completed"}};
  ok.fields.push_back(step("size", 140, decision_action::create, decision_reason::above_threshold,
                           field_result::failed));
  ok.fields.back().error = "Qdrant did not create the index: http_status 503: down";
  ok.fields.push_back(step("brand", 120, decision_action::adopt, decision_reason::already_in_qdrant,
                           field_result::adopted));
  ok.fields.push_back(step("rare", 3, decision_action::skip, decision_reason::below_threshold,
                           field_result::skipped));
  namespace_run broken;
  broken.namespace_id = "ns_b";
  broken.status = namespace_status::failed;
  broken.error = "Qdrant has no collection 'ns_b'";
  run.namespaces = {ok, broken};
  return run;
}

TEST(OptimizerRunRecord, JsonCarriesTotalsDecisionsAndOutcomes) {
  const auto json = to_json(sample_run());
  EXPECT_EQ(json.at("run_id"), "run_abc");
  EXPECT_EQ(json.at("status"), "partial");
  EXPECT_EQ(json.at("trigger"), "api");
  EXPECT_EQ(json.at("mode"), "qdrant");
  EXPECT_EQ(json.at("leader"), "host-a");
  EXPECT_EQ(json.at("fence"), 7);
  EXPECT_EQ(json.at("started_at"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(json.at("finished_at"), "2023-11-14T22:13:22Z");
  EXPECT_EQ(json.at("duration_ms"), 2000);
  EXPECT_EQ(json.at("qdrant_version"), "1.19.0");
  EXPECT_EQ(json.at("settings").at("threshold"), 100);
  const auto& totals = json.at("totals");
  EXPECT_EQ(totals.at("namespaces"), 2);
  EXPECT_EQ(totals.at("namespaces_failed"), 1);
  EXPECT_EQ(totals.at("fields"), 4);
  EXPECT_EQ(totals.at("created"), 1);
  EXPECT_EQ(totals.at("failed"), 1);
  EXPECT_EQ(totals.at("adopted"), 1);
  EXPECT_EQ(totals.at("skipped"), 1);
  const auto& ns = json.at("namespaces").at(0);
  EXPECT_EQ(ns.at("status"), "done");
  EXPECT_EQ(ns.at("points_count"), 10);
  EXPECT_EQ(ns.at("counts").at("created"), 1);
  const auto& color = ns.at("decisions").at(0);
  EXPECT_EQ(color.at("field_name"), "color");
  EXPECT_EQ(color.at("result"), "created");
  EXPECT_EQ(color.at("qdrant").at("status"), "completed");
  EXPECT_EQ(color.at("evidence").at("count"), 150);
  EXPECT_EQ(color.at("error"), nullptr);
  EXPECT_THAT(std::string(ns.at("decisions").at(1).at("error").as_string()),
              ::testing::HasSubstr("503"));
  EXPECT_EQ(json.at("namespaces").at(1).at("error"), "Qdrant has no collection 'ns_b'");
}

// A namespace with thousands of fields keeps its first skip decisions only; the rest are counted
// by reason, in its counts and in the run's totals, so the record stays bounded.
TEST(OptimizerRunRecord, OmittedSkipDecisionsAreCountedByReason) {
  auto run = sample_run();
  run.namespaces[0].omitted_skips = {{decision_reason::below_threshold, 9000},
                                     {decision_reason::run_cap_reached, 5}};
  const auto json = to_json(run);
  EXPECT_EQ(json.at("totals").at("fields"), 4 + 9005);
  EXPECT_EQ(json.at("totals").at("skipped"), 1 + 9005);
  const auto& ns = json.at("namespaces").at(0);
  EXPECT_EQ(ns.at("decisions").as_array().size(), 4u);
  EXPECT_EQ(ns.at("counts").at("skipped"), 1 + 9005);
  EXPECT_EQ(ns.at("omitted_decisions"),
            (boost::json::object{{"below_threshold", 9000}, {"run_cap_reached", 5}}));
  EXPECT_EQ(json.at("namespaces").at(1).at("omitted_decisions"), boost::json::object{});
}

TEST(OptimizerRunRecord, ModeAndMessageSayCatalogOnlyAndDryRun) {
  auto run = sample_run();
  run.catalog_only = true;
  auto json = to_json(run);
  EXPECT_EQ(json.at("mode"), "catalog_only");
  EXPECT_THAT(std::string(json.at("message").as_string()), ::testing::HasSubstr("Catalog-only"));
  run.dry_run = true;
  json = to_json(run);
  EXPECT_THAT(std::string(json.at("message").as_string()), ::testing::HasSubstr("Dry run"));
}

TEST(OptimizerRunRecord, SummaryDropsDecisionsOnly) {
  const auto summary = run_summary(to_json(sample_run()));
  EXPECT_FALSE(summary.at("namespaces").at(0).as_object().contains("decisions"));
  EXPECT_EQ(summary.at("namespaces").at(0).at("counts").at("created"), 1);
  EXPECT_EQ(summary.at("totals").at("fields"), 4);
}

TEST(OptimizerRunRecord, OnlyRunningRecordsAreMarkedAbandoned) {
  auto run = sample_run();
  run.status = run_status::running;
  run.finished_at.reset();
  const auto marked = mark_abandoned(to_json(run), at_seconds(1'700'000'100), "host-b");
  EXPECT_EQ(marked.at("status"), "abandoned");
  EXPECT_EQ(marked.at("finished_at"), "2023-11-14T22:15:00Z");
  EXPECT_THAT(std::string(marked.at("error").as_string()),
              ::testing::AllOf(::testing::HasSubstr("host-a"), ::testing::HasSubstr("host-b")));
  const auto finished = to_json(sample_run());
  EXPECT_EQ(mark_abandoned(finished, at_seconds(1'700'000'100), "host-b"), finished);
}

// --- window evidence ----------------------------------------------------------------------------

TEST(OptimizerWindowEvidence, CopiesCountsVotesKindsAndSamples) {
  field_window_stats stats;
  stats.path = "price";
  stats.count = 120;
  stats.type_votes[static_cast<std::size_t>(index_type::integer)] = 100;
  stats.type_votes[static_cast<std::size_t>(index_type::float_)] = 20;
  stats.kind_counts[kind_slot(condition_kind::range)] = 120;
  stats.kind_counts[kind_slot(condition_kind::match)] = 3;
  stats.first_seen_ms = 1000;
  stats.last_seen_ms = 2000;
  stats.sample_filter = R"({"must":[]})";
  const auto evidence = to_field_evidence(stats);
  EXPECT_EQ(evidence.path, "price");
  EXPECT_EQ(evidence.count, 120u);
  EXPECT_EQ(evidence.type_votes, (std::map<index_type, std::uint64_t>{{index_type::integer, 100},
                                                                      {index_type::float_, 20}}));
  EXPECT_EQ(evidence.kinds, bit(condition_kind::range) | bit(condition_kind::match));
  EXPECT_EQ(evidence.first_seen_ms, 1000);
  EXPECT_EQ(evidence.last_seen_ms, 2000);
  EXPECT_EQ(evidence.sample_filter, R"({"must":[]})");
  EXPECT_FALSE(evidence.avg_latency_ms.has_value());
}

}  // namespace
}  // namespace index_optimizer
