// The optimizer end to end, in-process, with real Redis, real ingestion, the real namespace
// registry and Qdrant client against the fake Qdrant: counts in the window -> run -> exactly the
// expected index PUTs -> the namespace lists them -> the history shows the evidence. Plus the
// schedule shared by several instances, leader failover, Qdrant failures, dry runs,
// catalog-only mode and the history API.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <set>

#include "optimizer_fixture.hpp"
#include "support/registry_metrics.hpp"

namespace index_optimizer::testing {
namespace {

using namespace std::chrono_literals;
using boost::json::object;
using boost::json::parse;

const std::string k_shop = "ns_shop00000001";
const std::string k_other = "ns_other0000002";

// One condition per field, repeated in the first `count` events.
struct field_traffic {
  std::string condition;
  int count;
};

std::vector<std::string> filters(const std::vector<field_traffic>& fields) {
  int events = 0;
  for (const auto& f : fields)
    events = std::max(events, f.count);
  std::vector<std::string> out;
  for (int i = 0; i < events; ++i) {
    std::string must;
    for (const auto& f : fields) {
      if (i >= f.count) continue;
      if (!must.empty()) must += ",";
      must += f.condition;
    }
    out.push_back(R"({"must":[)" + must + "]}");
  }
  return out;
}

const std::string k_color = R"({"key":"color","match":{"value":"red"}})";
const std::string k_size = R"({"key":"size","match":{"value":5}})";
const std::string k_price = R"({"key":"price","range":{"gte":10}})";
const std::string k_title = R"({"key":"title","match":{"phrase":"hello world"}})";

// Index PUT bodies the fake received for `collection`, parsed.
std::vector<boost::json::value> index_puts(fake_qdrant& qdrant, const std::string& collection) {
  std::vector<boost::json::value> bodies;
  for (const auto& request : qdrant.requests()) {
    if (request.method == "PUT" && request.path() == "/collections/" + collection + "/index") {
      bodies.push_back(parse(request.body));
    }
  }
  return bodies;
}

const object& decision(const object& record, const std::string& namespace_id,
                       const std::string& field) {
  for (const auto& ns : record.at("namespaces").as_array()) {
    if (ns.at("namespace_id") != namespace_id.c_str()) continue;
    for (const auto& d : ns.at("decisions").as_array()) {
      if (d.at("field_name") == field.c_str()) return d.as_object();
    }
  }
  throw std::runtime_error("no decision for " + field + " in " + boost::json::serialize(record));
}

std::string start_run(optimizer_fixture& f, std::string_view body = "{}") {
  const auto response = f.call("POST", "/v1/optimizer/runs", body);
  if (response.status != 202) throw std::runtime_error("POST runs: " + response.body);
  return std::string(parse(response.body).at("run_id").as_string());
}

// Holds a run at its first executed field until the test releases it (or, should an assertion
// end the test first, until the gate goes away, so the service can still stop).
class first_field_gate {
 public:
  ~first_field_gate() {
    if (!released_) release();
  }
  // `at_first` runs on the service's thread when the first field is done, before it waits.
  std::function<void(const run_record&, const field_step&)> hook(
      std::function<void()> at_first = {}) {
    return [this, at_first](const run_record&, const field_step&) {
      if (first_.exchange(false)) {
        if (at_first) at_first();
        reached_.set_value();
        go_.wait();
      }
    };
  }
  void wait_reached() { reached_.get_future().wait(); }
  void release() {
    released_ = true;
    go_on_.set_value();
  }

 private:
  std::promise<void> reached_;
  std::promise<void> go_on_;
  std::shared_future<void> go_ = go_on_.get_future().share();
  std::atomic<bool> first_{true};
  bool released_ = false;
};

class OptimizerServiceTest : public ::testing::Test {
 protected:
  void seed_shop(optimizer_fixture& f) {
    f.create_namespace(k_shop, "shop", true);
    f.send_filters("shop",
                   filters({{k_color, 101}, {k_size, 100}, {k_price, 150}, {k_title, 110}}));
    ASSERT_TRUE(
        f.await_counts(k_shop, {{"color", 101}, {"size", 100}, {"price", 150}, {"title", 110}}));
  }
};

TEST_F(OptimizerServiceTest, CountsAboveTheThresholdBecomeExactlyTheExpectedIndexes) {
  optimizer_fixture f({.with_qdrant = true, .collections = {k_shop, k_other}, .tweak = {}});
  seed_shop(f);
  // A namespace without auto_create_indexes is never touched, however busy.
  f.create_namespace(k_other, "other", false);
  f.send_filters(k_other, filters({{k_color, 500}}));
  ASSERT_TRUE(f.await_counts(k_other, {{"color", 500}}));
  auto& service = f.add_service();
  f.serve(service);

  const auto record = f.await_run(service, start_run(f));
  EXPECT_EQ(record.at("status"), "succeeded") << boost::json::serialize(record);

  // Qdrant received exactly these PUT bodies (order by count: price 150, title 110, color 101).
  EXPECT_THAT(
      index_puts(f.qdrant(), k_shop),
      ::testing::ElementsAre(
          parse(
              R"({"field_name":"price","field_schema":{"type":"integer","lookup":false,"range":true}})"),
          parse(R"({"field_name":"title","field_schema":{"type":"text","phrase_matching":true}})"),
          parse(R"({"field_name":"color","field_schema":"keyword"})")));
  EXPECT_TRUE(index_puts(f.qdrant(), k_other).empty());
  for (const auto& request : f.qdrant().requests()) {
    if (request.method == "PUT") {
      EXPECT_THAT(request.target, ::testing::HasSubstr("wait=true"));
    }
  }
  EXPECT_THAT(f.qdrant().index_fields(k_shop),
              ::testing::UnorderedElementsAre("price", "title", "color"));

  // The namespace lists them, remembering the trigger; 100 queries (size) are not enough.
  const auto ns = f.registry().get(k_shop).value();
  for (const auto& [field, count] :
       std::map<std::string, std::int64_t>{{"color", 101}, {"price", 150}, {"title", 110}}) {
    const auto* index = find_index(ns, field);
    ASSERT_NE(index, nullptr) << field;
    EXPECT_FALSE(index->is_protected);
    ASSERT_TRUE(index->auto_created.has_value()) << field;
    EXPECT_EQ(index->auto_created->trigger_count, count);
  }
  EXPECT_EQ(find_index(ns, "size"), nullptr);
  EXPECT_EQ(find_index(ns, "price")->type, index_type::integer);
  EXPECT_EQ(find_index(ns, "title")->type, index_type::text);
  EXPECT_TRUE(f.registry().get(k_other).value().payload_indexes == default_protected_indexes());

  // The Mixpeek response shape is unchanged: no auto_created in the API.
  const auto api = f.call("GET", "/v1/namespaces/shop");
  ASSERT_EQ(api.status, 200u) << api.body;
  EXPECT_THAT(api.body, ::testing::Not(::testing::HasSubstr("auto_created")));
  EXPECT_THAT(api.body, ::testing::HasSubstr(R"("field_name":"color")"));

  // The history has the evidence behind each decision.
  const auto& color = decision(record, k_shop, "color");
  EXPECT_EQ(color.at("result"), "created");
  EXPECT_EQ(color.at("reason"), "above_threshold");
  EXPECT_EQ(color.at("evidence").at("count"), 101);
  EXPECT_EQ(color.at("evidence").at("type_votes").at("keyword"), 101);
  EXPECT_EQ(color.at("evidence").at("sample_filter").at("must").at(0).at("key"), "color");
  EXPECT_EQ(color.at("qdrant").at("status"), "completed");
  const auto& size = decision(record, k_shop, "size");
  EXPECT_EQ(size.at("result"), "skipped");
  EXPECT_EQ(size.at("reason"), "below_threshold");
  EXPECT_EQ(size.at("evidence").at("count"), 100);
  EXPECT_EQ(record.at("totals").at("created"), 3);
  EXPECT_EQ(record.at("leader"), "instance-1");
  EXPECT_EQ(record.at("mode"), "qdrant");
  EXPECT_EQ(record.at("qdrant_version"), "1.19.0");
  for (const auto& entry : record.at("namespaces").as_array())
    EXPECT_NE(entry.at("namespace_id"), k_other.c_str());

  auto& m = f.service_metrics(0);
  EXPECT_EQ(metric_sum(m, "index_optimizer_optimizer_runs_total", {{"outcome", "succeeded"}}), 1);
  EXPECT_EQ(metric_sum(m, "index_optimizer_optimizer_indexes_total",
                       {{"result", "created"}, {"index_type", "keyword"}}),
            1);
  EXPECT_EQ(metric_sum(m, "index_optimizer_optimizer_indexes_total", {{"result", "created"}}), 3);
  EXPECT_EQ(metric_sum(m, "index_optimizer_optimizer_run_duration_seconds"), 1);
  EXPECT_GT(metric_sum(m, "index_optimizer_optimizer_last_success_timestamp_seconds"), 0);
  EXPECT_EQ(metric_sum(m, "index_optimizer_optimizer_leader"), 0);

  // A second run finds nothing left to do.
  const auto again = f.await_run(service, start_run(f));
  EXPECT_EQ(again.at("totals").at("created"), 0);
  EXPECT_EQ(decision(again, k_shop, "color").at("reason"), "already_indexed");
  EXPECT_EQ(index_puts(f.qdrant(), k_shop).size(), 3u);
}

// A namespace past its field cap: the overflow entry, though counted far above the threshold,
// gets no decision, and the record lists every creation but only the first 200 skips, counting
// the rest by reason.
TEST_F(OptimizerServiceTest, TheOverflowEntryIsNeverACandidateAndTheRecordStaysBounded) {
  constexpr int k_cap = 250;
  optimizer_fixture f({.with_qdrant = true, .collections = {k_shop}, .tweak = [](config& c) {
                         c.ingest.max_fields_per_namespace = k_cap;
                       }});
  f.create_namespace(k_shop, "shop", true);
  f.send_filters("shop", filters({{k_color, 101}}));
  ASSERT_TRUE(f.await_counts(k_shop, {{"color", 101}}));
  // 300 more distinct fields once each (249 fit under the cap), then one refused 150 times.
  std::vector<std::string> rare;
  for (int i = 0; i < 300; ++i)
    rare.push_back(R"({"must":[{"key":"rare_)" + std::to_string(i) + R"(","match":{"value":1}}]})");
  const auto overflow_is = [&](std::uint64_t count) {
    return wait_until([&] {
      auto connection = f.pool().acquire(std::chrono::seconds(1));
      if (!connection) return false;
      auto window = read_namespace_window(**connection, f.cfg(), k_shop, window_kind::decision);
      return window && window->overflow && window->overflow->count == count;
    });
  };
  f.send_filters("shop", rare);
  ASSERT_TRUE(overflow_is(51));
  f.send_filters("shop", filters({{R"({"key":"late","match":{"value":1}})", 150}}));
  ASSERT_TRUE(overflow_is(51 + 150));
  auto& service = f.add_service();
  f.serve(service);

  const auto record = f.await_run(service, start_run(f));
  EXPECT_EQ(record.at("status"), "succeeded") << boost::json::serialize(record);
  EXPECT_THAT(f.qdrant().index_fields(k_shop), ::testing::ElementsAre("color"));
  const auto& ns = record.at("namespaces").at(0);
  const auto& decisions = ns.at("decisions").as_array();
  EXPECT_EQ(decisions.size(), 1u + k_recorded_skips_per_namespace);
  for (const auto& d : decisions) {
    const std::string name(d.at("field_name").as_string());
    EXPECT_TRUE(name == "color" || name.starts_with("rare_")) << name;
  }
  EXPECT_EQ(decision(record, k_shop, "color").at("result"), "created");
  EXPECT_EQ(
      ns.at("omitted_decisions"),
      (object{{"below_threshold", k_cap - 1 - static_cast<int>(k_recorded_skips_per_namespace)}}));
  EXPECT_EQ(ns.at("counts").at("skipped"), k_cap - 1);
  EXPECT_EQ(record.at("totals").at("fields"), k_cap);
  EXPECT_LT(boost::json::serialize(record).size(), 400u * 1024);
}

TEST_F(OptimizerServiceTest, DryRunRecordsThePlanAndChangesNothing) {
  optimizer_fixture f({.with_qdrant = true, .collections = {k_shop}, .tweak = {}});
  seed_shop(f);
  auto& service = f.add_service();
  f.serve(service);
  const auto before = f.registry().get(k_shop).value();

  const auto record = f.await_run(service, start_run(f, R"({"dry_run": true})"));
  EXPECT_EQ(record.at("status"), "succeeded");
  EXPECT_EQ(record.at("dry_run"), true);
  EXPECT_EQ(decision(record, k_shop, "color").at("result"), "planned");
  EXPECT_EQ(decision(record, k_shop, "color").at("action"), "create");
  EXPECT_EQ(record.at("totals").at("planned"), 3);
  EXPECT_EQ(f.qdrant().count_requests("PUT"), 0u);
  EXPECT_EQ(f.registry().get(k_shop).value(), before);
}

TEST_F(OptimizerServiceTest, QdrantErrorsLeaveTheNamespaceUnchangedAndTheNextRunSucceeds) {
  optimizer_fixture f({.with_qdrant = true, .collections = {k_shop}, .tweak = {}});
  seed_shop(f);
  auto& service = f.add_service();
  f.serve(service);
  const auto index_path = "/collections/" + k_shop + "/index";
  f.qdrant().fail_next(3, 503, "PUT", index_path);

  const auto failed = f.await_run(service, start_run(f));
  EXPECT_EQ(failed.at("status"), "partial");
  EXPECT_EQ(failed.at("totals").at("failed"), 3);
  const auto& color = decision(failed, k_shop, "color");
  EXPECT_EQ(color.at("result"), "failed");
  EXPECT_THAT(std::string(color.at("error").as_string()), ::testing::HasSubstr("503"));
  EXPECT_EQ(color.at("qdrant").at("error").at("status"), 503);
  EXPECT_EQ(f.registry().get(k_shop).value().payload_indexes, default_protected_indexes());
  EXPECT_EQ(metric_sum(f.service_metrics(0), "index_optimizer_optimizer_indexes_total",
                       {{"result", "failed"}}),
            3);

  const auto retried = f.await_run(service, start_run(f));
  EXPECT_EQ(retried.at("status"), "succeeded");
  EXPECT_EQ(retried.at("totals").at("created"), 3);
  EXPECT_NE(find_index(f.registry().get(k_shop).value(), "color"), nullptr);
}

TEST_F(OptimizerServiceTest, ABuildThatOutlivesTheWaitIsNotClaimedAndIsAdoptedNextRun) {
  optimizer_fixture f({.with_qdrant = true, .collections = {k_shop}, .tweak = {}});
  f.create_namespace(k_shop, "shop", true);
  f.send_filters("shop", filters({{k_color, 101}}));
  ASSERT_TRUE(f.await_counts(k_shop, {{"color", 101}}));
  auto& service = f.add_service();
  f.serve(service);
  // Qdrant's own timeout: it keeps building but answers before the build is done.
  f.qdrant().state().set_index_operation_status("wait_timeout");

  const auto timed_out = f.await_run(service, start_run(f));
  const auto& color = decision(timed_out, k_shop, "color");
  EXPECT_EQ(color.at("result"), "failed");
  EXPECT_THAT(std::string(color.at("error").as_string()), ::testing::HasSubstr("wait_timeout"));
  EXPECT_EQ(color.at("qdrant").at("status"), "wait_timeout");
  EXPECT_EQ(find_index(f.registry().get(k_shop).value(), "color"), nullptr);

  f.qdrant().state().set_index_operation_status(std::nullopt);
  const auto adopted = f.await_run(service, start_run(f));
  EXPECT_EQ(decision(adopted, k_shop, "color").at("result"), "adopted");
  EXPECT_EQ(decision(adopted, k_shop, "color").at("reason"), "already_in_qdrant");
  EXPECT_EQ(index_puts(f.qdrant(), k_shop).size(), 1u);  // never sent twice
  const auto shop = f.registry().get(k_shop).value();    // find_index points into it
  const auto* index = find_index(shop, "color");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->auto_created->trigger_count, 101);
}

TEST_F(OptimizerServiceTest, AnIndexCapRejectionIsRecordedAndNothingIsClaimed) {
  optimizer_fixture f({.with_qdrant = true, .collections = {k_shop}, .tweak = {}});
  seed_shop(f);
  f.qdrant().state().set_max_payload_index_count(k_shop, 1);
  auto& service = f.add_service();
  f.serve(service);

  const auto record = f.await_run(service, start_run(f));
  EXPECT_EQ(record.at("status"), "partial");
  EXPECT_EQ(decision(record, k_shop, "price").at("result"), "created");
  const auto& title = decision(record, k_shop, "title");
  EXPECT_EQ(title.at("result"), "failed");
  EXPECT_THAT(std::string(title.at("error").as_string()),
              ::testing::HasSubstr("maximum number of payload indices"));
  EXPECT_EQ(title.at("qdrant").at("error").at("status"), 400);
  const auto ns = f.registry().get(k_shop).value();
  EXPECT_NE(find_index(ns, "price"), nullptr);
  EXPECT_EQ(find_index(ns, "title"), nullptr);
  EXPECT_EQ(find_index(ns, "color"), nullptr);
}

TEST_F(OptimizerServiceTest, AMissingCollectionFailsOnlyItsNamespace) {
  optimizer_fixture f({.with_qdrant = true, .collections = {k_shop}, .tweak = {}});
  seed_shop(f);
  f.create_namespace(k_other, "other", true);
  f.send_filters(k_other, filters({{k_color, 300}}));
  ASSERT_TRUE(f.await_counts(k_other, {{"color", 300}}));
  auto& service = f.add_service();
  f.serve(service);

  const auto record = f.await_run(service, start_run(f));
  EXPECT_EQ(record.at("status"), "partial");
  EXPECT_EQ(record.at("totals").at("namespaces_failed"), 1);
  EXPECT_EQ(record.at("totals").at("created"), 3);
  for (const auto& ns : record.at("namespaces").as_array()) {
    if (ns.at("namespace_id") != k_other.c_str()) continue;
    EXPECT_EQ(ns.at("status"), "failed");
    EXPECT_THAT(std::string(ns.at("error").as_string()), ::testing::HasSubstr("no collection"));
  }
}

TEST_F(OptimizerServiceTest, CatalogOnlyModeUpdatesTheRegistryAndSaysSo) {
  optimizer_fixture f({.with_qdrant = false, .collections = {}, .tweak = {}});
  seed_shop(f);
  auto& service = f.add_service();
  f.serve(service);

  const auto record = f.await_run(service, start_run(f));
  EXPECT_EQ(record.at("mode"), "catalog_only");
  EXPECT_THAT(std::string(record.at("message").as_string()), ::testing::HasSubstr("no Qdrant"));
  EXPECT_EQ(record.at("totals").at("created"), 3);
  EXPECT_EQ(decision(record, k_shop, "color").at("qdrant"), nullptr);
  const auto ns = f.registry().get(k_shop).value();
  EXPECT_NE(find_index(ns, "color"), nullptr);
  EXPECT_EQ(find_index(ns, "size"), nullptr);
}

TEST_F(OptimizerServiceTest, ASecondRunWhileOneIsInProgressIsRefusedWith409) {
  optimizer_fixture f({.with_qdrant = true, .collections = {k_shop}, .tweak = {}});
  seed_shop(f);
  first_field_gate gate;
  optimizer_service_options o;
  o.after_field = gate.hook();
  auto& service = f.add_service(o);
  f.serve(service);

  const auto run_id = start_run(f);
  gate.wait_reached();
  EXPECT_TRUE(service.running());
  const auto refused = f.call("POST", "/v1/optimizer/runs", R"({"dry_run": true})");
  EXPECT_EQ(refused.status, 409u);
  const auto body = parse(refused.body);
  EXPECT_EQ(body.at("error").at("type"), "AlreadyExistsError");
  EXPECT_EQ(body.at("error").at("details").at("run_id"), run_id.c_str());
  const auto running = parse(f.call("GET", "/v1/optimizer/runs/" + run_id).body);
  EXPECT_EQ(running.at("status"), "running");
  gate.release();
  EXPECT_EQ(f.await_run(service, run_id).at("status"), "succeeded");
  // Once it is over, runs can start again.
  EXPECT_EQ(f.await_run(service, start_run(f)).at("status"), "succeeded");
}

TEST_F(OptimizerServiceTest, HistoryApiPagesNewestFirstAndChecksPermissions) {
  optimizer_fixture f({.with_qdrant = false, .collections = {}, .tweak = {}});
  f.create_namespace(k_shop, "shop", true);
  auto& service = f.add_service();
  f.serve(service);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(start_run(f, R"({"dry_run": true, "namespaces": ["shop", "nope"]})"));
    f.await_run(service, ids.back());
  }
  const auto first = f.call("GET", "/v1/optimizer/runs?limit=2", {}, k_optimizer_reader_key);
  ASSERT_EQ(first.status, 200u) << first.body;
  const auto page = parse(first.body);
  ASSERT_EQ(page.at("results").as_array().size(), 2u);
  EXPECT_EQ(page.at("results").at(0).at("run_id"), ids[2].c_str());
  EXPECT_EQ(page.at("results").at(1).at("run_id"), ids[1].c_str());
  EXPECT_EQ(page.at("total_count"), 3);
  EXPECT_FALSE(page.at("results").at(0).at("namespaces").at(0).as_object().contains("decisions"));
  const std::string cursor(page.at("pagination").at("next_cursor").as_string());
  const auto second = parse(f.call("GET", "/v1/optimizer/runs?limit=2&cursor=" + cursor).body);
  ASSERT_EQ(second.at("results").as_array().size(), 1u);
  EXPECT_EQ(second.at("results").at(0).at("run_id"), ids[0].c_str());

  const auto one = parse(f.call("GET", "/v1/optimizer/runs/" + ids[0]).body);
  EXPECT_EQ(one.at("trigger"), "api");
  EXPECT_EQ(one.at("requested_namespaces"), parse(R"(["shop","nope"])"));
  bool unknown_recorded = false;
  for (const auto& ns : one.at("namespaces").as_array()) {
    if (ns.at("namespace_id") == "nope") {
      unknown_recorded = ns.at("status") == "skipped";
    }
  }
  EXPECT_TRUE(unknown_recorded) << boost::json::serialize(one);
  // The namespace that exists is listed once, as planned, and not also as unknown.
  EXPECT_EQ(one.at("namespaces").as_array().size(), 2u) << boost::json::serialize(one);

  const auto missing = f.call("GET", "/v1/optimizer/runs/run_doesnotexist");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(parse(missing.body).at("error").at("type"), "NotFoundError");
  EXPECT_EQ(f.call("POST", "/v1/optimizer/runs", "{}", k_optimizer_reader_key).status, 403u);
  EXPECT_EQ(f.call("POST", "/v1/optimizer/runs", "{}", nullptr).status, 401u);
  const auto invalid = f.call("POST", "/v1/optimizer/runs", R"({"dry_run": "yes please"})");
  EXPECT_EQ(invalid.status, 422u);
  EXPECT_EQ(parse(invalid.body).at("error").at("type"), "ValidationError");
}

TEST_F(OptimizerServiceTest, ShutdownMidRunRecordsWhatWasDoneAndLeavesTheRest) {
  optimizer_fixture f({.with_qdrant = true, .collections = {k_shop}, .tweak = {}});
  seed_shop(f);
  first_field_gate gate;
  optimizer_service_options o;
  o.after_field = gate.hook();
  auto& service = f.add_service(o);
  f.serve(service);
  const auto run_id = start_run(f);
  gate.wait_reached();

  auto stopped = std::async(std::launch::async, [&] { return service.stop(10s); });
  // stop() waits for the run, which ends before its next field once released.
  EXPECT_EQ(stopped.wait_for(200ms), std::future_status::timeout);
  gate.release();
  EXPECT_TRUE(stopped.get());

  const auto record = parse(*service.history_entry(run_id).value()).as_object();
  EXPECT_EQ(record.at("status"), "interrupted");
  EXPECT_EQ(decision(record, k_shop, "price").at("result"), "created");
  EXPECT_EQ(decision(record, k_shop, "title").at("result"), "not_attempted");
  EXPECT_EQ(decision(record, k_shop, "color").at("result"), "not_attempted");
  const auto ns = f.registry().get(k_shop).value();
  EXPECT_NE(find_index(ns, "price"), nullptr);
  EXPECT_EQ(find_index(ns, "title"), nullptr);
  EXPECT_EQ(index_puts(f.qdrant(), k_shop).size(), 1u);
  EXPECT_EQ(service.trigger(std::nullopt, std::nullopt).what, trigger_result::outcome::unavailable);

  // Another instance finishes the job.
  auto& next = f.add_service();
  const auto resumed = next.trigger(std::nullopt, std::nullopt);
  ASSERT_EQ(resumed.what, trigger_result::outcome::started) << resumed.message;
  const auto done = f.await_run(next, resumed.run_id);
  EXPECT_EQ(done.at("totals").at("created"), 2);
  EXPECT_EQ(decision(done, k_shop, "price").at("reason"), "already_indexed");
}

TEST_F(OptimizerServiceTest, ReconfiguredSettingsApplyFromTheNextRun) {
  optimizer_fixture f({.with_qdrant = true, .collections = {k_shop}, .tweak = {}});
  seed_shop(f);
  auto& service = f.add_service();
  f.serve(service);
  config changed = f.cfg();
  changed.optimizer.threshold = 140;
  changed.optimizer.deny_fields = {"ti*"};
  service.reconfigure(changed);

  const auto record = f.await_run(service, start_run(f));
  EXPECT_EQ(record.at("settings").at("threshold"), 140);
  EXPECT_EQ(decision(record, k_shop, "price").at("result"), "created");
  EXPECT_EQ(decision(record, k_shop, "title").at("reason"), "denied_by_pattern");
  EXPECT_EQ(decision(record, k_shop, "color").at("reason"), "below_threshold");
  EXPECT_EQ(index_puts(f.qdrant(), k_shop).size(), 1u);
}

// --- schedule and instances -------------------------------------------------------------------

struct instance_probe {
  std::atomic<int> heartbeats{0};
  optimizer_health_hooks hooks() {
    return {[this] { ++heartbeats; }, [](const std::string&) {}};
  }
  // Waits until the instance has looked at the schedule a few more times.
  bool settle() {
    const int from = heartbeats.load();
    return wait_until([&] { return heartbeats.load() >= from + 4; });
  }
};

std::int64_t scheduled_runs(optimizer_service& service) {
  auto page = service.history(0, 1000);
  if (!page) throw std::runtime_error(page.error().message);
  return page.value().total;
}

TEST_F(OptimizerServiceTest, TwoInstancesRunExactlyOncePerInterval) {
  manual_clock clock(std::chrono::system_clock::now());
  optimizer_fixture f({.with_qdrant = false, .collections = {}, .tweak = [](config& c) {
                         c.optimizer.interval = std::chrono::hours(1);
                       }});
  f.create_namespace(k_shop, "shop", true);
  instance_probe a_probe;
  instance_probe b_probe;
  optimizer_service_options o;
  o.clock = [&] { return clock.now(); };
  auto& a = f.add_service(o, a_probe.hooks());
  auto& b = f.add_service(o, b_probe.hooks());
  ASSERT_TRUE(a_probe.settle());
  ASSERT_TRUE(b_probe.settle());
  const auto first_due = a.next_run_at();
  ASSERT_TRUE(first_due.has_value());
  EXPECT_EQ(b.next_run_at(), first_due);
  EXPECT_EQ(scheduled_runs(a), 0);

  std::set<std::string> leaders;
  for (int period = 1; period <= 3; ++period) {
    clock.advance(std::chrono::hours(1));
    ASSERT_TRUE(wait_until([&] { return scheduled_runs(a) == period; })) << period;
    ASSERT_TRUE(wait_until([&] { return !a.running() && !b.running(); }));
    ASSERT_TRUE(a_probe.settle());
    ASSERT_TRUE(b_probe.settle());
    EXPECT_EQ(scheduled_runs(a), period);
    EXPECT_EQ(a.next_run_at(), *first_due + std::chrono::hours(period));
  }
  const auto page = a.history(0, 10).value();
  for (const auto& text : page.records) {
    const auto record = parse(text);
    EXPECT_EQ(record.at("trigger"), "schedule");
    EXPECT_EQ(record.at("status"), "succeeded");
    leaders.insert(std::string(record.at("leader").as_string()));
  }
  EXPECT_THAT(leaders, ::testing::IsSubsetOf({"instance-1", "instance-2"}));
}

TEST_F(OptimizerServiceTest, RestartsNeitherSkipNorRepeatARun) {
  manual_clock clock(std::chrono::system_clock::now());
  optimizer_fixture f({.with_qdrant = false, .collections = {}, .tweak = [](config& c) {
                         c.optimizer.interval = std::chrono::hours(1);
                       }});
  f.create_namespace(k_shop, "shop", true);
  optimizer_service_options o;
  o.clock = [&] { return clock.now(); };
  o.poll = 20ms;

  std::optional<std::chrono::system_clock::time_point> due;
  {
    instance_probe probe;
    optimizer_service first(f.cfg(), f.pool(), nullptr, f.registry(), f.metrics(), probe.hooks(),
                            o);
    first.start();
    ASSERT_TRUE(probe.settle());
    due = first.next_run_at();
    ASSERT_TRUE(due.has_value());
    first.stop(5s);
  }
  // Down past the due time: the restarted instance runs it once (not skipped) and moves the
  // schedule onto the next grid point.
  clock.advance(std::chrono::minutes(70));
  {
    instance_probe probe;
    optimizer_service second(f.cfg(), f.pool(), nullptr, f.registry(), f.metrics(), probe.hooks(),
                             o);
    second.start();
    ASSERT_TRUE(wait_until([&] { return scheduled_runs(second) == 1; }));
    ASSERT_TRUE(wait_until([&] { return !second.running(); }));
    ASSERT_TRUE(probe.settle());
    EXPECT_EQ(second.next_run_at(), *due + std::chrono::hours(1));
    second.stop(5s);
  }
  // Restarted again before the next due time: nothing runs (not repeated).
  {
    instance_probe probe;
    optimizer_service third(f.cfg(), f.pool(), nullptr, f.registry(), f.metrics(), probe.hooks(),
                            o);
    third.start();
    ASSERT_TRUE(probe.settle());
    EXPECT_EQ(scheduled_runs(third), 1);
    EXPECT_EQ(third.next_run_at(), *due + std::chrono::hours(1));
    third.stop(5s);
  }
}

TEST_F(OptimizerServiceTest, WhenTheLeaderDiesMidRunAnotherTakesOverWithoutDuplicates) {
  optimizer_fixture f({.with_qdrant = true, .collections = {k_shop}, .tweak = {}});
  seed_shop(f);
  first_field_gate gate;
  optimizer_service_options a_options;
  a_options.instance_id = "leader-a";
  optimizer_service* a_ptr = nullptr;
  // Dies after its first index: its lease is no longer renewed and it stalls.
  a_options.after_field = gate.hook([&] { a_ptr->abandon_lease(); });
  auto& a = f.add_service(a_options);
  a_ptr = &a;
  optimizer_service_options b_options;
  b_options.instance_id = "standby-b";
  auto& b = f.add_service(b_options);
  f.serve(a);

  const auto a_run = start_run(f);
  gate.wait_reached();
  // B cannot start while A's lease lives; once it has expired B takes over.
  trigger_result b_trigger;
  ASSERT_TRUE(wait_until([&] {
    b_trigger = b.trigger(std::nullopt, std::nullopt);
    return b_trigger.what == trigger_result::outcome::started;
  }));
  const auto b_record = f.await_run(b, b_trigger.run_id);
  gate.release();
  ASSERT_TRUE(wait_until([&] { return !a.running(); }));

  EXPECT_EQ(b_record.at("status"), "succeeded") << boost::json::serialize(b_record);
  EXPECT_EQ(b_record.at("leader"), "standby-b");
  EXPECT_EQ(decision(b_record, k_shop, "price").at("reason"), "already_indexed");
  EXPECT_EQ(decision(b_record, k_shop, "title").at("result"), "created");
  EXPECT_EQ(decision(b_record, k_shop, "color").at("result"), "created");

  // A's history survives, marked abandoned, with the index it did create.
  const auto a_record = parse(*a.history_entry(a_run).value());
  EXPECT_EQ(a_record.at("status"), "abandoned");
  EXPECT_THAT(std::string(a_record.at("error").as_string()), ::testing::HasSubstr("standby-b"));
  EXPECT_EQ(decision(a_record.as_object(), k_shop, "price").at("result"), "created");
  EXPECT_GT(b_record.at("fence").as_int64(), a_record.at("fence").as_int64());

  // Every field built exactly once, and the namespace lists all of them.
  std::map<std::string, int> puts;
  for (const auto& body : index_puts(f.qdrant(), k_shop))
    ++puts[std::string(body.at("field_name").as_string())];
  EXPECT_EQ(puts, (std::map<std::string, int>{{"color", 1}, {"price", 1}, {"title", 1}}));
  const auto ns = f.registry().get(k_shop).value();
  for (const char* field : {"color", "price", "title"})
    EXPECT_NE(find_index(ns, field), nullptr) << field;
  EXPECT_EQ(metric_sum(f.service_metrics(0), "index_optimizer_optimizer_runs_total",
                       {{"outcome", "abandoned"}}),
            1);
}

}  // namespace
}  // namespace index_optimizer::testing
