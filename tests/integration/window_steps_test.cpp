// The window store against a real redis-server with namespaces of thousands of fields: folds,
// expiries and reads go in bounded steps (no script's work grows with a namespace's fields), and
// a read stays exact while folds move counts between the pages it reads.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "ingest/batch_aggregate.hpp"
#include "ingest/commit_script.hpp"
#include "support/filter_events.hpp"
#include "support/redis_server.hpp"
#include "support/wait.hpp"
#include "window_store/window_keys.hpp"
#include "window_store/window_store.hpp"

namespace index_optimizer::testing {
namespace {

using namespace std::chrono_literals;

const std::string k_stream = "io:{events}";
const test_namespace k_wide{"ns_wide00000001", "wide"};

std::string field_name(std::size_t i) {
  return "metadata.attribute_" + std::to_string(i);
}

class WindowStepsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    register_namespace(connection_, "io:", k_wide);
    ASSERT_TRUE(connection_.command({"XGROUP", "CREATE", k_stream, "g", "0", "MKSTREAM"}));
    cfg_.redis.url = redis_.url();
    cfg_.redis.endpoint = redis_.endpoint();
    cfg_.ingest.streams = {k_stream};
    cfg_.ingest.block = 100ms;
    cfg_.ingest.commit_interval = 50ms;
    cfg_.window.length = 1h;
    cfg_.window.bucket = 1s;
    cfg_.window.analytics_length = 2h;
    cfg_.window.analytics_bucket = 1s;
  }

  // Commits `events` events at `ts`, each filtering on fields [first, first + fields), as one
  // batch of consumer "c" (straight through the commit script, as the consumer would).
  void commit_fields(std::size_t first, std::size_t fields, std::int64_t ts,
                     std::size_t events = 1) {
    add_events(connection_, k_stream,
               std::vector<entry_fields>(events, {{"namespace", k_wide.name}, {"fields", "[]"}}));
    auto read = connection_.command({"XREADGROUP", "GROUP", "g", "c", "COUNT",
                                     std::to_string(events), "STREAMS", k_stream, ">"});
    ASSERT_TRUE(read) << read.error().message;
    std::vector<stream_entry_view> entries;
    ASSERT_TRUE(parse_xreadgroup_reply(*read, entries));
    ASSERT_EQ(entries.size(), events);
    decoded_event event;
    for (std::size_t i = first; i < first + fields; ++i)
      event.fields.push_back({field_name(i), index_type::keyword, bit(condition_kind::match)});
    batch_aggregate batch(window_specs(cfg_.window));
    for (const auto& entry : entries) {
      batch.add_entry(entry.parsed_id);
      batch.add_event(k_wide.id, event, ts, unix_now_ms(), {}, {});
    }
    auto committed = commit_batch(
        connection_, batch.encode({"io:", k_stream, k_stream + ":dead-letter", "g", "c", 0, ""}));
    ASSERT_TRUE(committed) << committed.error().message;
    ASSERT_TRUE(committed->applied);
  }

  // One sweep script call with no time budget: it stops after its first step of work.
  sweep_counts sweep_one_step() {
    auto swept = sweep_windows(connection_, "io:", k_stream, window_specs(cfg_.window),
                               fold_delay(cfg_), 32, 1, 0us);
    EXPECT_TRUE(swept) << swept.error().message;
    return swept ? *swept : sweep_counts{};
  }

  namespace_window_stats read(window_kind kind) {
    auto stats = read_namespace_window(connection_, cfg_, k_wide.id, kind);
    EXPECT_TRUE(stats) << stats.error().message;
    return stats ? std::move(*stats) : namespace_window_stats{};
  }

  redis_server redis_;
  redis_connection connection_ = connect_or_throw(redis_.endpoint());
  config cfg_;
};

// A fold moves a bucket's log a few paths per step, marking the bucket folding meanwhile: a batch
// for it counts as a late batch, once, and the counts end up exact in both windows.
TEST_F(WindowStepsTest, AFoldMovesAFewFieldsPerStepAndABatchForTheBucketMeanwhileCountsOnce) {
  constexpr std::size_t k_fields = 3000;
  const std::int64_t ts = unix_now_ms() - 5000;  // a closed bucket
  commit_fields(0, k_fields, ts, 2);
  const std::string log = "io:{events}:win:d:l:" + k_wide.id + ":" + std::to_string(ts - ts % 1000);
  ASSERT_EQ(redis_.cli({"EXISTS", log}), "1");

  // Once the bucket has been idle for the fold delay, the first step starts its fold.
  ASSERT_TRUE(wait_until([&] {
    sweep_one_step();
    return redis_.cli({"HEXISTS", log, "f"}) == "1";
  }));
  ASSERT_EQ(redis_.cli({"EXISTS", log}), "1") << "one step does not fold 3000 fields";
  commit_fields(0, 10, ts);
  std::size_t steps = 1;
  while (redis_.cli({"EXISTS", log}) == "1") {
    sweep_one_step();
    ASSERT_LT(++steps, 10 * k_fields) << "the fold does not progress";
  }
  EXPECT_GE(steps, k_fields / 32) << "a step moves 32 paths";

  for (const auto kind : k_all_windows) {
    const auto stats = read(kind);
    EXPECT_EQ(stats.events, 3u);
    ASSERT_EQ(stats.fields.size(), k_fields);
    for (std::size_t i = 0; i < k_fields; ++i) {
      const auto* f = stats.find(field_name(i));
      ASSERT_NE(f, nullptr) << i;
      ASSERT_EQ(f->count, i < 10 ? 3u : 2u) << field_name(i);
      ASSERT_EQ(f->votes(index_type::keyword), f->count);
    }
  }
}

// A bucket leaving the window is subtracted from the totals a page of fields at a time; the
// fields of the namespace then leave its field registry, and no key is left behind.
TEST_F(WindowStepsTest, ExpiringAWideBucketSubtractsAPageOfFieldsPerStep) {
  constexpr std::size_t k_fields = 3000;
  cfg_.window.length = 8s;
  cfg_.window.analytics_length = 8s;
  const std::int64_t start = unix_now_ms() / 1000 * 1000;
  commit_fields(0, k_fields, start);
  // Folded in full steps first.
  ASSERT_TRUE(wait_until(
      [&] {
        auto swept = sweep_windows(connection_, "io:", k_stream, window_specs(cfg_.window),
                                   fold_delay(cfg_));
        return swept && swept->folded == 1;
      },
      20s));
  EXPECT_EQ(read(window_kind::decision).fields.size(), k_fields);
  EXPECT_EQ(redis_.cli({"ZCARD", field_registry_key("io:", k_stream, k_wide.id)}),
            std::to_string(k_fields));

  // Both windows are 8 s long: the bucket is due in both once 8 s past its start.
  ASSERT_TRUE(wait_until([&] { return unix_now_ms() >= start + 8500; }));
  std::size_t steps = 0;
  std::array<std::size_t, 2> expired{};
  while (expired[0] + expired[1] < 2) {
    const auto swept = sweep_one_step();
    expired[0] += swept.expired[0];
    expired[1] += swept.expired[1];
    ASSERT_LT(++steps, 100000u) << "the expiry does not progress";
  }
  // Each bucket hash holds five fields per path (count, first/last seen, vote, kind).
  EXPECT_GE(steps, 2 * 5 * k_fields / 1000) << "a step subtracts some tens of fields";
  EXPECT_TRUE(read(window_kind::decision).fields.empty());
  EXPECT_TRUE(read(window_kind::analytics).fields.empty());
  auto keys = connection_.command({"KEYS", "io:*win*"});
  ASSERT_TRUE(keys);
  EXPECT_TRUE(keys->as_array().empty()) << describe(*keys);
}

// Many wide buckets being folded by another sweeper while reads go on: every read sees each count
// exactly once, whether it finds it in an unfolded bucket or in the totals, although the totals
// take several script calls to read and folds move counts in between.
TEST_F(WindowStepsTest, ReadsStayExactWhileAnotherSweeperFoldsBetweenTheirPages) {
  constexpr std::size_t k_fields = 1500;
  constexpr std::size_t k_buckets = 8;
  const std::int64_t now = unix_now_ms();
  for (std::size_t b = 0; b < k_buckets; ++b)
    commit_fields(0, k_fields, now - 20'000 + static_cast<std::int64_t>(b) * 1000);
  const std::string open = "io:{events}:win:d:open";
  ASSERT_EQ(redis_.cli({"ZCARD", open}), std::to_string(k_buckets));
  // Due for folding once idle for the fold delay.
  ASSERT_TRUE(wait_until(
      [&] {
        auto first = connection_.command({"ZRANGE", open, "0", "0", "WITHSCORES"});
        return first && first->as_array().size() == 2 &&
               std::stoll(first->as_array()[1].as_string()) <
                   unix_now_ms() - fold_delay(cfg_).count() - 1000;
      },
      20s));

  std::atomic<bool> folding{true};
  std::thread sweeper([&] {
    auto other = connect_or_throw(redis_.endpoint());
    while (folding.load()) {
      auto swept =
          sweep_windows(other, "io:", k_stream, window_specs(cfg_.window), fold_delay(cfg_), 32, 1);
      if (!swept) break;
    }
  });
  std::size_t reads_while_folding = 0;
  for (int i = 0; i < 200 && redis_.cli({"ZCARD", open}) != "0"; ++i) {
    ++reads_while_folding;
    const auto stats = read(window_kind::decision);
    ASSERT_EQ(stats.events, k_buckets);
    ASSERT_EQ(stats.fields.size(), k_fields);
    for (const auto& f : stats.fields)
      ASSERT_EQ(f.count, k_buckets) << f.path;
  }
  folding.store(false);
  sweeper.join();
  EXPECT_GE(reads_while_folding, 1u) << "no read overlapped the folds";
  const auto stats = read(window_kind::analytics);
  EXPECT_EQ(stats.events, k_buckets);
  for (const auto& f : stats.fields)
    ASSERT_EQ(f.count, k_buckets) << f.path;
}

}  // namespace
}  // namespace index_optimizer::testing
