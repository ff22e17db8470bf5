// An optimizer run meeting a Qdrant it cannot use, in-process with real Redis, ingestion and the
// Qdrant client against the fake: when the circuit breaker opens mid-run the remaining fields are
// skipped without a call (not_attempted, recorded with the refusal, the run partial) and nothing
// is half applied; when Qdrant refuses connections the record says the request was not sent.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "optimizer_fixture.hpp"
#include "support/registry_metrics.hpp"

namespace index_optimizer::testing {
namespace {

using namespace std::chrono_literals;
using boost::json::object;
using boost::json::parse;

const std::string k_shop = "ns_shop00000001";

// 150 queries on price, 120 on title, 110 on color: three fields above the threshold, executed
// in that order.
std::vector<std::string> traffic() {
  std::vector<std::string> out;
  for (int i = 0; i < 150; ++i) {
    std::string must = R"({"key":"price","range":{"gte":10}})";
    if (i < 120) must += R"(,{"key":"title","match":{"value":"x"}})";
    if (i < 110) must += R"(,{"key":"color","match":{"value":"red"}})";
    out.push_back(R"({"must":[)" + must + "]}");
  }
  return out;
}

const object& decision(const object& record, const std::string& field) {
  for (const auto& d : record.at("namespaces").at(0).at("decisions").as_array()) {
    if (d.at("field_name") == field.c_str()) return d.as_object();
  }
  throw std::runtime_error("no decision for " + field + " in " + boost::json::serialize(record));
}

class OptimizerQdrantRefusalsTest : public ::testing::Test {
 protected:
  OptimizerQdrantRefusalsTest()
      : f_({.with_qdrant = true, .collections = {k_shop}, .tweak = [](config& c) {
              c.qdrant.circuit_breaker_failures = 2;
              c.qdrant.circuit_breaker_cooldown = 60s;  // stays open for the rest of the run
              // One place: the run's own thread is the only other caller.
              c.qdrant.concurrency_limit = 1;
            }}) {
    f_.create_namespace(k_shop, "shop", true);
    f_.send_filters("shop", traffic());
    EXPECT_TRUE(f_.await_counts(k_shop, {{"price", 150}, {"title", 120}, {"color", 110}}));
  }

  // Runs once; `after_first` acts on the service's thread once the first field is done.
  object run_with(std::function<void()> after_first) {
    optimizer_service_options o;
    o.after_field = [after_first, first = std::make_shared<std::atomic<bool>>(true)](
                        const run_record&, const field_step&) {
      if (first->exchange(false)) after_first();
    };
    auto& service = f_.add_service(o);
    const auto started = service.trigger(std::nullopt, std::nullopt);
    EXPECT_EQ(started.what, trigger_result::outcome::started) << started.message;
    return f_.await_run(service, started.run_id);
  }

  std::size_t index_puts() {
    return f_.qdrant().count_requests("PUT", "/collections/" + k_shop + "/index");
  }

  optimizer_fixture f_;
};

TEST_F(OptimizerQdrantRefusalsTest, FieldsMetByAnOpenCircuitBreakerAreSkippedCleanlyAndRecorded) {
  const auto record = run_with([this] {
    // Qdrant stops answering; two timed-out calls open the breaker.
    f_.qdrant().set_response_delay(60s);
    for (int i = 0; i < 2; ++i)
      EXPECT_FALSE(f_.gateway()->collection_info_once(k_shop, 100ms));
  });
  f_.qdrant().clear_faults();
  EXPECT_EQ(record.at("status"), "partial") << boost::json::serialize(record);
  EXPECT_EQ(decision(record, "price").at("result"), "created");
  for (const auto* field : {"title", "color"}) {
    const auto& d = decision(record, field);
    EXPECT_EQ(d.at("result"), "not_attempted") << boost::json::serialize(d);
    EXPECT_NE(d.at("error").as_string().find("not sent: the circuit breaker"), std::string::npos)
        << boost::json::serialize(d);
    EXPECT_EQ(d.at("qdrant").at("error").at("kind"), "circuit_open");
    EXPECT_EQ(d.at("qdrant").at("error").at("request_sent"), false);
  }
  // Nothing half applied: one PUT, and the namespace lists exactly what Qdrant built.
  EXPECT_EQ(index_puts(), 1u);
  const auto ns = f_.registry().get(k_shop).value();
  EXPECT_NE(find_index(ns, "price"), nullptr);
  EXPECT_EQ(find_index(ns, "title"), nullptr);
  EXPECT_EQ(find_index(ns, "color"), nullptr);
  EXPECT_EQ(f_.qdrant().index_fields(k_shop), std::vector<std::string>{"price"});
  EXPECT_EQ(metric_sum(f_.metrics(), "index_optimizer_qdrant_rejected_total",
                       {{"reason", "circuit_open"}}),
            2.0);
}

// The optimizer's thread takes a place like an HTTP worker: with every place held elsewhere, the
// remaining fields are skipped unsent, recorded with the refusal.
TEST_F(OptimizerQdrantRefusalsTest, FieldsMetByAFullBulkheadAreSkippedCleanlyAndRecorded) {
  std::promise<void> held;
  std::promise<void> give_back;
  std::promise<void> hook_done;  // orders the hook's write of `holder` before the join below
  std::thread holder;
  const auto record = run_with([&] {
    holder = std::thread([&] {
      auto permit = f_.gateway()->reserve();
      EXPECT_TRUE(permit.ok());
      held.set_value();
      give_back.get_future().wait();
    });
    held.get_future().wait();
    hook_done.set_value();
  });
  ASSERT_EQ(hook_done.get_future().wait_for(30s), std::future_status::ready)
      << boost::json::serialize(record);
  give_back.set_value();
  holder.join();
  EXPECT_EQ(record.at("status"), "partial") << boost::json::serialize(record);
  EXPECT_EQ(decision(record, "price").at("result"), "created");
  for (const auto* field : {"title", "color"}) {
    const auto& d = decision(record, field);
    EXPECT_EQ(d.at("result"), "not_attempted") << boost::json::serialize(d);
    EXPECT_EQ(d.at("qdrant").at("error").at("kind"), "concurrency_limit");
    EXPECT_EQ(d.at("qdrant").at("error").at("request_sent"), false);
  }
  EXPECT_EQ(index_puts(), 1u);
  EXPECT_EQ(f_.qdrant().index_fields(k_shop), std::vector<std::string>{"price"});
}

TEST_F(OptimizerQdrantRefusalsTest, AFieldWhoseQdrantRefusesConnectionsIsRecordedAsNotSent) {
  const auto record = run_with([this] { f_.qdrant().stop(); });
  EXPECT_EQ(record.at("status"), "partial") << boost::json::serialize(record);
  const auto& title = decision(record, "title");
  EXPECT_EQ(title.at("result"), "failed") << boost::json::serialize(title);
  EXPECT_NE(title.at("error").as_string().find("not sent: cannot connect"), std::string::npos)
      << boost::json::serialize(title);
  EXPECT_EQ(title.at("qdrant").at("error").at("request_sent"), false);
  EXPECT_GE(metric_sum(f_.metrics(), "index_optimizer_qdrant_requests_total",
                       {{"operation", "collection_info"}, {"outcome", "not_sent"}}),
            1.0);
  const auto ns = f_.registry().get(k_shop).value();
  EXPECT_EQ(find_index(ns, "title"), nullptr);
}

}  // namespace
}  // namespace index_optimizer::testing
