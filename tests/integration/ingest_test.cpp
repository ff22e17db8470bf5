// Ingestion against a real redis-server: exact counts across namespaces, fields, consumers,
// crashes and Redis restarts; dead letters; window ageing; the read and delete API.
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "filter_decoder/decode_reason.hpp"
#include "ingest/batch_aggregate.hpp"
#include "ingest/commit_script.hpp"
#include "ingest/ingest_service.hpp"
#include "support/filter_events.hpp"
#include "support/process.hpp"
#include "support/redis_server.hpp"
#include "support/registry_metrics.hpp"
#include "support/wait.hpp"
#include "window_store/window_keys.hpp"
#include "window_store/window_store.hpp"

namespace index_optimizer::testing {
namespace {

using namespace std::chrono_literals;

const std::string k_stream = "io:{events}";
const std::string k_dead_letters = "io:{events}:dead-letter";

const std::vector<test_namespace> k_namespaces = {{"ns_alpha0000001", "alpha"},
                                                  {"ns_bravo0000002", "bravo"},
                                                  {"ns_charlie00003", "charlie"},
                                                  {"ns_delta0000004", "delta"},
                                                  {"ns_echo00000005", "echo"}};

config test_config(const redis_server& redis, const std::string& consumer = "consumer-1") {
  config cfg;
  cfg.redis.url = redis.url();
  cfg.redis.endpoint = redis.endpoint();
  cfg.ingest.streams = {k_stream};
  cfg.ingest.consumer_name = consumer;
  cfg.ingest.block = 100ms;
  cfg.ingest.commit_interval = 50ms;
  cfg.ingest.reclaim_idle = 1s;
  cfg.shutdown.drain_timeout = 5s;
  return cfg;
}

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& ns : k_namespaces)
      register_namespace(connection_, "io:", ns);
  }

  bool drained(const std::string& group = "index-optimizer") {
    return read_group_state(connection_, k_stream, group).drained();
  }

  void await_drained(std::chrono::milliseconds deadline = 60s) {
    ASSERT_TRUE(wait_until([&] { return drained(); }, deadline))
        << "pending "
        << read_group_state(connection_, k_stream, "index-optimizer").pending.value_or(-1)
        << ", lag " << read_group_state(connection_, k_stream, "index-optimizer").lag.value_or(-1);
  }

  // Every namespace's window equals the reference: event totals, the set of fields, each field's
  // count, type votes and kind counts.
  void expect_windows_equal(const config& cfg, const event_reference& reference) {
    for (const auto& difference : window_differences(connection_, cfg, k_namespaces, reference))
      ADD_FAILURE() << difference;
  }

  std::vector<entry_fields> generate(std::size_t n, event_reference& reference,
                                     std::uint64_t seed = 1, std::size_t field_count = 30) {
    filter_event_generator generator(seed, k_namespaces, field_count);
    std::vector<entry_fields> events;
    events.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
      events.push_back(generator.next(reference));
    return events;
  }

  // The count of field "a" of namespace alpha; a failed read fails the test and counts 0.
  std::uint64_t count_of_a(const config& cfg, window_kind kind) {
    auto stats = read_namespace_window(connection_, cfg, "ns_alpha0000001", kind);
    if (!stats) {
      ADD_FAILURE() << stats.error().message;
      return 0;
    }
    const auto* a = stats->find("a");
    return a == nullptr ? 0 : a->count;
  }

  // Added 500 at a time, so consumers already reading each get a share.
  void add_in_slices(const std::vector<entry_fields>& events) {
    for (std::size_t at = 0; at < events.size(); at += 500) {
      const auto end = std::min(events.size(), at + 500);
      add_events(connection_, k_stream,
                 std::vector<entry_fields>(events.begin() + static_cast<std::ptrdiff_t>(at),
                                           events.begin() + static_cast<std::ptrdiff_t>(end)));
    }
  }

  // For the commit script on its own: `count` entries, each an event of namespace alpha filtering
  // on "color", added to the stream (group "g" is created with the first ones).
  void add_color_entries(std::size_t count) {
    ASSERT_TRUE(connection_.command({"XGROUP", "CREATE", k_stream, "g", "0", "MKSTREAM"}));
    add_events(
        connection_, k_stream,
        std::vector<entry_fields>(count, {{"namespace", "alpha"}, {"fields", R"(["color"])"}}));
  }
  // Up to `count` new entries read by `consumer` of group "g"; they view into `reply`.
  std::vector<stream_entry_view> read_as(const std::string& consumer, std::size_t count,
                                         redis_reply& reply) {
    std::vector<stream_entry_view> entries;
    auto read = connection_.command({"XREADGROUP", "GROUP", "g", consumer, "COUNT",
                                     std::to_string(count), "STREAMS", k_stream, ">"});
    if (!read) {
      ADD_FAILURE() << read.error().message;
      return entries;
    }
    reply = std::move(*read);
    if (!parse_xreadgroup_reply(reply, entries)) ADD_FAILURE() << describe(reply);
    return entries;
  }
  // A batch of `entries`, each counted as one event filtering on "color" now.
  static batch_aggregate color_batch(const config& cfg,
                                     const std::vector<stream_entry_view>& entries) {
    batch_aggregate batch(window_specs(cfg.window));
    for (const auto& entry : entries) {
      batch.add_entry(entry.parsed_id);
      decoded_event event;
      event.fields.push_back({"color", index_type::keyword, bit(condition_kind::match)});
      batch.add_event("ns_alpha0000001", event, unix_now_ms(), unix_now_ms(), {}, {});
    }
    return batch;
  }

  std::vector<std::string> keys_matching(const std::string& pattern) {
    std::vector<std::string> out;
    auto reply = connection_.command({"KEYS", pattern});
    if (reply && reply->is_array()) {
      for (const auto& key : reply->as_array())
        out.push_back(key.as_string());
    }
    return out;
  }

  redis_server redis_{redis_server::options{.append_only = true}};
  redis_connection connection_ = connect_or_throw(redis_.endpoint());
};

TEST_F(IngestTest, CountsEveryEventOnceAcrossNamespacesAndFields) {
  event_reference reference;
  const auto events = generate(3000, reference);
  add_events(connection_, k_stream, events);
  const auto cfg = test_config(redis_);
  prometheus::Registry registry;
  ingest_service service(cfg, registry);
  service.start();
  await_drained();
  expect_windows_equal(cfg, reference);
  // The consumer counts a commit in its metrics after Redis answered it, so a drained stream does
  // not yet mean final metrics; the join in stop() does.
  EXPECT_TRUE(service.stop(5s));
  EXPECT_EQ(metric_sum(registry, "index_optimizer_ingest_events_counted_total"), 3000);
  EXPECT_EQ(metric_sum(registry, "index_optimizer_ingest_entries_read_total"), 3000);
  EXPECT_EQ(metric_sum(registry, "index_optimizer_ingest_dead_letters_total"), 0);
  // Alone on its stream, the consumer always holds its whole pending list: every commit confirms
  // ownership by count, none walks the ids.
  const auto checks = [&](const char* how) {
    return metric_sum(registry, "index_optimizer_ingest_ownership_checks_total", {{"check", how}});
  };
  EXPECT_GT(checks("count"), 0);
  EXPECT_EQ(checks("walk"), 0);
  EXPECT_EQ(checks("mismatch") + checks("fenced"), 0);
}

TEST_F(IngestTest, ReadResultsCarryTypesKindsLatencySeenTimesAndASample) {
  const auto cfg = test_config(redis_);
  prometheus::Registry registry;
  ingest_service service(cfg, registry);
  service.start();
  const std::int64_t before = unix_now_ms();
  add_events(connection_, k_stream,
             {{{"namespace", "alpha"},
               {"latency_ms", "10"},
               {"filter", R"({"must": [{"key": "price", "range": {"gte": 1, "lte": 5}}]})"}},
              {{"namespace", "ns_alpha0000001"},
               {"latency_ms", "30"},
               {"filter", R"({"AND": [{"field": "price", "operator": "eq", "value": 2}]})"}},
              {{"namespace", "alpha"},
               {"filter", R"({"must": [{"key": "price", "range": {"gt": 1.5}}]})"}},
              {{"namespace", "alpha"}, {"filter", "{}"}}});
  await_drained();
  auto stats = read_namespace_window(connection_, cfg, "ns_alpha0000001", window_kind::decision);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->events, 4u);
  ASSERT_EQ(stats->fields.size(), 1u);
  const auto& price = stats->fields.front();
  EXPECT_EQ(price.path, "price");
  EXPECT_EQ(price.count, 3u);
  EXPECT_EQ(price.votes(index_type::integer), 2u);
  EXPECT_EQ(price.votes(index_type::float_), 1u);
  EXPECT_EQ(price.majority_type(), index_type::integer);
  EXPECT_EQ(price.kinds(), bit(condition_kind::range) | bit(condition_kind::match));
  EXPECT_EQ(price.latency_count, 2u);
  ASSERT_TRUE(price.latency_avg_ms());
  EXPECT_DOUBLE_EQ(*price.latency_avg_ms(), 20.0);
  ASSERT_TRUE(price.latency_p95_ms());
  EXPECT_GT(*price.latency_p95_ms(), 20.0);
  EXPECT_LE(*price.latency_p95_ms(), 30.0);
  EXPECT_GE(price.first_seen_ms, before);
  EXPECT_GE(price.last_seen_ms, price.first_seen_ms);
  EXPECT_LE(price.last_seen_ms, unix_now_ms());
  EXPECT_EQ(price.sample_filter, R"({"must":[{"key":"price","range":{"gte":1,"lte":5}}]})");
  EXPECT_TRUE(service.stop(5s));
}

TEST_F(IngestTest, TwoConsumersInOneGroupCountEachEventOnce) {
  event_reference reference;
  const auto events = generate(6000, reference, 7);
  prometheus::Registry registry_a;
  prometheus::Registry registry_b;
  ingest_service a(test_config(redis_, "consumer-a"), registry_a);
  ingest_service b(test_config(redis_, "consumer-b"), registry_b);
  a.start();
  b.start();
  add_in_slices(events);  // while both read, so both get a share
  await_drained();
  expect_windows_equal(test_config(redis_), reference);
  // Metrics follow a commit's answer: final once the consumers are joined.
  EXPECT_TRUE(a.stop(5s));
  EXPECT_TRUE(b.stop(5s));
  const double counted_a = metric_sum(registry_a, "index_optimizer_ingest_events_counted_total");
  const double counted_b = metric_sum(registry_b, "index_optimizer_ingest_events_counted_total");
  EXPECT_EQ(counted_a + counted_b, 6000);
  EXPECT_GT(counted_a, 0);
  EXPECT_GT(counted_b, 0);
}

// A consumer that holds its batch past reclaim_idle (a stall: GC pause, overloaded host) loses
// the entries to another consumer; its commit then applies nothing and the events are counted
// once, by the consumer that reclaimed them.
TEST_F(IngestTest, AStalledConsumersEntriesAreCountedOnceByTheConsumerThatReclaimedThem) {
  auto stalled_cfg = test_config(redis_, "stalled");
  // Far longer than reclaim_idle: what a stall looks like. The test must see the whole batch
  // pending before the stalled commit, which a slow (sanitizer, loaded) host needs seconds for.
  stalled_cfg.ingest.commit_interval = 10s;
  prometheus::Registry stalled_registry;
  ingest_service stalled(stalled_cfg, stalled_registry);
  stalled.start();
  event_reference reference;
  add_events(connection_, k_stream, generate(1000, reference, 17));
  ASSERT_TRUE(wait_until([&] {
    const auto state = read_group_state(connection_, k_stream, "index-optimizer");
    return state.pending == 1000 && state.lag == 0;
  }));
  prometheus::Registry healthy_registry;
  ingest_service healthy(test_config(redis_, "healthy"), healthy_registry);
  healthy.start();
  ASSERT_TRUE(wait_until(
      [&] {
        return metric_sum(stalled_registry, "index_optimizer_ingest_stale_commits_total") > 0;
      },
      20s));
  await_drained();
  expect_windows_equal(test_config(redis_), reference);
  // Metrics follow a commit's answer: final once the consumers are joined.
  EXPECT_TRUE(healthy.stop(5s));
  EXPECT_TRUE(stalled.stop(5s));
  EXPECT_GT(metric_sum(healthy_registry, "index_optimizer_ingest_reclaimed_entries_total"), 0);
  EXPECT_EQ(metric_sum(stalled_registry, "index_optimizer_ingest_events_counted_total") +
                metric_sum(healthy_registry, "index_optimizer_ingest_events_counted_total"),
            1000);
}

// The commit script on its own: a batch holding an entry another consumer has reclaimed applies
// nothing at all; its new owner's commit applies.
TEST_F(IngestTest, CommitAppliesNothingWhenAnEntryOfTheBatchWasReclaimed) {
  add_color_entries(3);
  redis_reply read;
  const auto entries = read_as("a", 10, read);
  ASSERT_EQ(entries.size(), 3u);

  const config cfg = test_config(redis_);
  auto batch_of = [&](const std::vector<stream_entry_view>& of) {
    auto batch = color_batch(cfg, of);
    batch.add_dead_letter({std::string(of.front().id), decode_reason::invalid_json, "x", {}});
    return batch;
  };
  auto target = [&](const std::string& consumer) {
    return commit_target{"io:", k_stream, k_dead_letters, "g", consumer, 0, ""};
  };

  // Consumer b reclaims the middle entry (as XAUTOCLAIM would after reclaim_idle).
  ASSERT_TRUE(connection_.command({"XCLAIM", k_stream, "g", "b", "0", std::string(entries[1].id)}));
  auto stale = commit_batch(connection_, batch_of(entries).encode(target("a")));
  ASSERT_TRUE(stale) << stale.error().message;
  EXPECT_FALSE(stale->applied);
  EXPECT_EQ(stale->stale_id, entries[1].id);
  EXPECT_TRUE(keys_matching("io:*win*").empty()) << "a stale commit must write nothing";
  EXPECT_EQ(redis_.cli({"XLEN", k_dead_letters}), "0");
  EXPECT_EQ(read_group_state(connection_, k_stream, "g").pending, 3);

  // Each owner commits what it owns: every entry counted once.
  auto mine = commit_batch(connection_, batch_of({entries[0], entries[2]}).encode(target("a")));
  ASSERT_TRUE(mine && mine->applied);
  EXPECT_EQ(mine->acked, 2);
  auto theirs = commit_batch(connection_, batch_of({entries[1]}).encode(target("b")));
  ASSERT_TRUE(theirs && theirs->applied);
  EXPECT_EQ(read_group_state(connection_, k_stream, "g").pending, 0);
  auto stats = read_namespace_window(connection_, cfg, "ns_alpha0000001", window_kind::decision);
  ASSERT_TRUE(stats);
  ASSERT_NE(stats->find("color"), nullptr);
  EXPECT_EQ(stats->find("color")->count, 3u);

  // Committing acknowledged entries again is stale too: a commit never counts an entry twice.
  auto again = commit_batch(connection_, batch_of({entries[0]}).encode(target("a")));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->applied);
  stats = read_namespace_window(connection_, cfg, "ns_alpha0000001", window_kind::decision);
  EXPECT_EQ(stats->find("color")->count, 3u);
}

// The ownership check by count (ingest/commit_script.hpp): a consumer whose pending list is
// exactly what it holds commits without walking the ids; once another consumer has taken an
// entry, the count falls short, the walk finds the entry gone and the batch applies nothing; its
// new owner counts that entry, the rest is committed again, and every event counts once.
TEST_F(IngestTest, CommitsConfirmOwnershipByCountAndAReclaimMidBatchAppliesNothing) {
  add_color_entries(6);
  redis_reply read;
  const auto entries = read_as("a", 10, read);
  ASSERT_EQ(entries.size(), 6u);
  ASSERT_TRUE(connection_.command({"HSET", consumer_tokens_key("io:", k_stream), "a", "token-a"}));

  const config cfg = test_config(redis_);
  auto batch_of = [&](std::initializer_list<std::size_t> of) {
    std::vector<stream_entry_view> picked;
    for (const auto e : of)
      picked.push_back(entries[e]);
    return color_batch(cfg, picked);
  };
  commit_target a{"io:", k_stream, k_dead_letters, "g", "a", 0, "token-a"};
  auto color_count = [&] {
    auto stats = read_namespace_window(connection_, cfg, "ns_alpha0000001", window_kind::decision);
    if (!stats) ADD_FAILURE() << stats.error().message;
    const auto* color = stats ? stats->find("color") : nullptr;
    return color == nullptr ? 0 : color->count;
  };

  // Entries 3-5 are held read ahead: the batch and they are all of a's pending list.
  auto first = commit_batch(connection_, batch_of({0, 1, 2}).encode(a, 3));
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(first->applied);
  EXPECT_EQ(first->ownership, ownership_check::by_count);
  EXPECT_EQ(first->acked, 3);

  // Consumer b reclaims entry 4 while a's next batch is being built.
  ASSERT_TRUE(connection_.command({"XCLAIM", k_stream, "g", "b", "0", std::string(entries[4].id)}));
  auto stale = commit_batch(connection_, batch_of({3, 4, 5}).encode(a, 0));
  ASSERT_TRUE(stale) << stale.error().message;
  EXPECT_FALSE(stale->applied);
  EXPECT_FALSE(stale->fenced);
  EXPECT_EQ(stale->stale_id, entries[4].id);
  EXPECT_EQ(color_count(), 3u) << "a stale commit applies nothing";
  EXPECT_EQ(read_group_state(connection_, k_stream, "g").pending, 3);

  // b counts what it took (by walk: it sends no token); a re-reads its own pending list (3, 5)
  // and commits them, by count again.
  auto theirs = commit_batch(
      connection_, batch_of({4}).encode({"io:", k_stream, k_dead_letters, "g", "b", 0, ""}));
  ASSERT_TRUE(theirs && theirs->applied);
  EXPECT_EQ(theirs->ownership, ownership_check::by_walk);
  auto again = commit_batch(connection_, batch_of({3, 5}).encode(a, 0));
  ASSERT_TRUE(again && again->applied);
  EXPECT_EQ(again->ownership, ownership_check::by_count);
  EXPECT_EQ(color_count(), 6u);
  EXPECT_EQ(read_group_state(connection_, k_stream, "g").pending, 0);
}

// A process started with a consumer name another live process uses takes the name over (a fresh
// token): the first one's commits write nothing at all, whatever its batch.
TEST_F(IngestTest, ACommitFromAProcessWhoseConsumerNameWasTakenOverIsFenced) {
  add_color_entries(2);
  redis_reply read;
  const auto entries = read_as("a", 10, read);
  ASSERT_EQ(entries.size(), 2u);
  ASSERT_TRUE(connection_.command({"HSET", consumer_tokens_key("io:", k_stream), "a", "newer"}));

  auto batch = color_batch(test_config(redis_), entries);
  batch.add_dead_letter({std::string(entries.front().id), decode_reason::invalid_json, "x", {}});
  commit_target older{"io:", k_stream, k_dead_letters, "g", "a", 0, "older"};
  auto fenced = commit_batch(connection_, batch.encode(older, 0));
  ASSERT_TRUE(fenced) << fenced.error().message;
  EXPECT_FALSE(fenced->applied);
  EXPECT_TRUE(fenced->fenced);
  EXPECT_TRUE(keys_matching("io:*win*").empty()) << "a fenced commit must write nothing";
  EXPECT_EQ(redis_.cli({"XLEN", k_dead_letters}), "0");
  EXPECT_EQ(read_group_state(connection_, k_stream, "g").pending, 2);
}

// The one way around the count: an entry added to the consumer's pending list from outside
// (an XCLAIM naming it) while one of its batch is acknowledged by hand. The count matches, so the
// batch is applied; XACK acknowledging fewer entries than the batch holds is reported.
TEST_F(IngestTest, AnEntryAddedBehindTheConsumersBackIsReportedAsAMismatch) {
  add_color_entries(4);
  redis_reply read;
  const auto entries = read_as("a", 3, read);
  ASSERT_EQ(entries.size(), 3u);
  redis_reply other;
  const auto theirs = read_as("b", 1, other);
  ASSERT_EQ(theirs.size(), 1u);
  ASSERT_TRUE(connection_.command({"XACK", k_stream, "g", std::string(entries[1].id)}));
  ASSERT_TRUE(connection_.command({"XCLAIM", k_stream, "g", "a", "0", std::string(theirs[0].id)}));
  ASSERT_TRUE(connection_.command({"HSET", consumer_tokens_key("io:", k_stream), "a", "tok"}));

  const commit_target a{"io:", k_stream, k_dead_letters, "g", "a", 0, "tok"};
  auto outcome = commit_batch(connection_, color_batch(test_config(redis_), entries).encode(a, 0));
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_TRUE(outcome->applied);
  EXPECT_EQ(outcome->ownership, ownership_check::mismatch);
  EXPECT_EQ(outcome->acked, 2);
}

// Two processes configured with one consumer name: each (re)connect fences the other, so they
// take turns, and every event is still counted exactly once.
TEST_F(IngestTest, TwoProcessesWithOneConsumerNameStillCountEachEventOnce) {
  event_reference reference;
  const auto events = generate(4000, reference, 23);
  prometheus::Registry registry_a;
  prometheus::Registry registry_b;
  ingest_service a(test_config(redis_, "same-name"), registry_a);
  ingest_service b(test_config(redis_, "same-name"), registry_b);
  a.start();
  b.start();
  add_in_slices(events);
  await_drained();
  expect_windows_equal(test_config(redis_), reference);
  EXPECT_EQ(metric_sum(registry_a, "index_optimizer_ingest_events_counted_total") +
                metric_sum(registry_b, "index_optimizer_ingest_events_counted_total"),
            4000);
  const std::map<std::string, std::string> fenced{{"check", "fenced"}};
  EXPECT_GE(metric_sum(registry_a, "index_optimizer_ingest_ownership_checks_total", fenced) +
                metric_sum(registry_b, "index_optimizer_ingest_ownership_checks_total", fenced),
            1);
}

// Twenty commits into one bucket by a writer that keeps no sums: each adds its entry to the
// writer's sum in the bucket log (decoded and summed by the script), and a read (the log summed)
// is exact in count, votes, kinds, latency and first/last seen. The batches' id ranges also hold
// entries of ours outside the batch, which the ownership walk must not mistake for batch entries.
TEST_F(IngestTest, BucketLogsSumEachWritersCommitsExactly) {
  constexpr std::size_t k_entries = 40;
  add_color_entries(k_entries);
  redis_reply read;
  const auto entries = read_as("a", 100, read);
  ASSERT_EQ(entries.size(), k_entries);

  config cfg = test_config(redis_);
  cfg.window.length = 1h;
  cfg.window.bucket = 1h;  // every commit lands in the same, current bucket
  const std::int64_t t0 = unix_now_ms();
  const commit_target target{"io:", k_stream, k_dead_letters, "g", "a", 0, ""};
  // Per group of four entries k..k+3: the batches {k+2, k} then {k+3, k+1} (added out of
  // order). The first batch's range holds k+1, still ours: XPENDING's page (as long as the batch)
  // is k, k+1, so k+2 is confirmed on its own.
  for (std::size_t k = 0; k < k_entries; k += 4) {
    for (const std::size_t first : {k, k + 1}) {
      batch_aggregate batch(window_specs(cfg.window));
      for (const std::size_t e : {first + 2, first}) {
        batch.add_entry(entries[e].parsed_id);
        decoded_event event;
        event.latency_ms = 10.0 * static_cast<double>(e + 1);
        event.fields.push_back({"color", e % 2 == 0 ? index_type::keyword : index_type::uuid,
                                bit(e % 2 == 0 ? condition_kind::match : condition_kind::any)});
        batch.add_event("ns_alpha0000001", event, t0 + static_cast<std::int64_t>(e), t0, {}, {});
      }
      auto committed = commit_batch(connection_, batch.encode(target));
      ASSERT_TRUE(committed) << committed.error().message;
      ASSERT_TRUE(committed->applied) << "batch at entry " << first;
    }
  }
  const std::string log =
      "io:{events}:win:d:l:ns_alpha0000001:" + std::to_string(t0 - t0 % 3'600'000);
  // A writer that keeps no sums sends only each batch's entry: the script stores it as the
  // writer's sum and moves the sum before it aside, to a side sum it never decodes.
  EXPECT_EQ(redis_.cli({"HGET", log, "v:a"}), "1");
  EXPECT_EQ(redis_.cli({"HLEN", log}), "22") << "e:a, v:a, the side sum counter and 19 side sums";

  auto expect_exact = [&] {
    auto stats = read_namespace_window(connection_, cfg, "ns_alpha0000001", window_kind::decision);
    ASSERT_TRUE(stats) << stats.error().message;
    EXPECT_EQ(stats->events, k_entries);
    const auto* color = stats->find("color");
    ASSERT_NE(color, nullptr);
    EXPECT_EQ(color->count, k_entries);
    EXPECT_EQ(color->votes(index_type::keyword), k_entries / 2);
    EXPECT_EQ(color->votes(index_type::uuid), k_entries / 2);
    EXPECT_EQ(color->kind_counts[kind_slot(condition_kind::match)], k_entries / 2);
    EXPECT_EQ(color->kind_counts[kind_slot(condition_kind::any)], k_entries / 2);
    EXPECT_EQ(color->latency_count, k_entries);
    // 10 + 20 + ... + 400 ms, in microseconds.
    EXPECT_EQ(color->latency_sum_us, 10'000u * k_entries * (k_entries + 1) / 2);
    EXPECT_EQ(color->first_seen_ms, t0);
    EXPECT_EQ(color->last_seen_ms, t0 + static_cast<std::int64_t>(k_entries) - 1);
  };
  expect_exact();
  EXPECT_EQ(read_group_state(connection_, k_stream, "g").pending, 0);
  // Deleting the namespace's counts removes its logs too.
  ASSERT_TRUE(delete_namespace_counts(connection_, cfg, "ns_alpha0000001"));
  EXPECT_TRUE(keys_matching("io:*:win:*ns_alpha0000001*").empty());
}

// A writer that keeps its sums (writer_sums) sends each bucket's new sum whole and the script
// replaces the stored one: reported synced, version counting up. When the writer lost track (it
// forgot a bucket) the script moves the stored sum aside and starts the writer's sum again from
// the batch (synced again); when its version is off (here set by hand, as when the log was
// deleted under it) the batch goes to a side sum and the writer is told to forget the bucket.
// The script never decodes a stored sum, and every count stays exact either way.
TEST_F(IngestTest, WriterSumsReplaceTheStoredSumOnlyWhileTheirVersionMatches) {
  constexpr std::size_t k_entries = 15;
  add_color_entries(k_entries);
  redis_reply read;
  const auto entries = read_as("a", 100, read);
  ASSERT_EQ(entries.size(), k_entries);
  ASSERT_TRUE(connection_.command({"HSET", consumer_tokens_key("io:", k_stream), "a", "tok"}));

  config cfg = test_config(redis_);
  cfg.window.length = 1h;
  cfg.window.bucket = 1h;
  const std::int64_t t0 = unix_now_ms();
  const commit_target target{"io:", k_stream, k_dead_letters, "g", "a", 0, "tok"};
  const std::string log =
      "io:{events}:win:d:l:ns_alpha0000001:" + std::to_string(t0 - t0 % 3'600'000);
  writer_sums sums;
  // Three entries per commit, a new field every commit: the sum sent holds every field so far.
  for (std::size_t k = 0; k < k_entries; k += 3) {
    batch_aggregate batch(window_specs(cfg.window));
    for (std::size_t e = k; e < k + 3; ++e) {
      batch.add_entry(entries[e].parsed_id);
      decoded_event event;
      event.latency_ms = 5.0;
      event.fields.push_back({"color", index_type::keyword, bit(condition_kind::match)});
      event.fields.push_back({"f" + std::to_string(k), index_type::integer, 0});
      batch.add_event("ns_alpha0000001", event, t0 + static_cast<std::int64_t>(e), t0, {}, {});
    }
    if (k == 6) sums.clear();  // lost track
    if (k == 12) {
      ASSERT_TRUE(connection_.command({"HSET", log, "v:tok", "7"}));
    }
    const auto remaining = static_cast<std::int64_t>(k_entries - k - 3);
    auto committed = commit_batch(connection_, batch.encode(target, remaining, &sums));
    ASSERT_TRUE(committed) << committed.error().message;
    ASSERT_TRUE(committed->applied);
    EXPECT_EQ(committed->ownership, ownership_check::by_count);
    EXPECT_TRUE(committed->kept_buckets.empty());
    if (k < 12) {
      EXPECT_EQ(committed->synced_buckets, std::vector<std::size_t>{0}) << k;
      EXPECT_EQ(redis_.cli({"HGET", log, "v:tok"}), std::to_string(k < 6 ? k / 3 + 1 : k / 3 - 1))
          << k;
    } else {
      EXPECT_TRUE(committed->synced_buckets.empty()) << k;
      EXPECT_EQ(redis_.cli({"HEXISTS", log, "v:tok"}), "0") << "the writer starts from nothing";
    }
    batch.update_sums(sums, committed->synced_buckets, committed->kept_buckets);
  }
  EXPECT_EQ(sums.size(), 0u) << "a bucket whose sum went aside is forgotten";
  EXPECT_EQ(redis_.cli({"HGET", log, "n"}), "3") << "two sums moved aside, one batch to a side sum";
  auto stats = read_namespace_window(connection_, cfg, "ns_alpha0000001", window_kind::decision);
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(stats->events, k_entries);
  ASSERT_NE(stats->find("color"), nullptr);
  EXPECT_EQ(stats->find("color")->count, k_entries);
  EXPECT_EQ(stats->find("color")->latency_count, k_entries);
  EXPECT_EQ(stats->find("color")->first_seen_ms, t0);
  EXPECT_EQ(stats->find("color")->last_seen_ms, t0 + static_cast<std::int64_t>(k_entries) - 1);
  for (std::size_t k = 0; k < k_entries; k += 3) {
    const auto* field = stats->find("f" + std::to_string(k));
    ASSERT_NE(field, nullptr) << k;
    EXPECT_EQ(field->count, 3u);
    EXPECT_EQ(field->votes(index_type::integer), 3u);
  }
  EXPECT_EQ(read_group_state(connection_, k_stream, "g").pending, 0);
}

TEST_F(IngestTest, DeadLettersEveryKindOfBadEntryWithItsReasonAndCountsTheGoodOnes) {
  const std::string good_filter = R"({"must": [{"key": "color", "match": {"value": "red"}}]})";
  const auto bad = malformed_events("alpha");
  std::vector<entry_fields> entries;
  for (const auto& malformed : bad) {
    entries.push_back({{"namespace", "bravo"}, {"filter", good_filter}});
    entries.push_back(malformed.fields);
  }
  entries.push_back({{"namespace", "bravo"}, {"filter", good_filter}});
  add_events(connection_, k_stream, entries);
  ASSERT_EQ(k_all_decode_reasons.size(), bad.size()) << "every reason has a case here";

  const auto cfg = test_config(redis_);
  prometheus::Registry registry;
  ingest_service service(cfg, registry);
  service.start();
  await_drained();
  // Metrics follow a commit's answer: final once the consumer is joined.
  EXPECT_TRUE(service.stop(5s));

  auto stats = read_namespace_window(connection_, cfg, "ns_bravo0000002", window_kind::decision);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->events, bad.size() + 1);
  ASSERT_NE(stats->find("color"), nullptr);
  EXPECT_EQ(stats->find("color")->count, bad.size() + 1);
  stats = read_namespace_window(connection_, cfg, "ns_alpha0000001", window_kind::decision);
  EXPECT_EQ(stats->events, 0u);

  auto dead = connection_.command({"XRANGE", k_dead_letters, "-", "+"});
  ASSERT_TRUE(dead && dead->is_array());
  // XRANGE's entries in XREADGROUP's shape; the views point into `wrapped`.
  const auto wrapped =
      redis_reply::array({redis_reply::array({redis_reply::string(k_dead_letters), *dead})});
  std::vector<stream_entry_view> dead_entries;
  ASSERT_TRUE(parse_xreadgroup_reply(wrapped, dead_entries));
  ASSERT_EQ(dead_entries.size(), bad.size());
  for (std::size_t i = 0; i < bad.size(); ++i) {
    const auto& fields = dead_entries[i].fields;
    ASSERT_GE(fields.size(), 7u);
    EXPECT_EQ(fields[0].first, "reason");
    EXPECT_EQ(fields[0].second, to_string(bad[i].reason)) << "entry " << i;
    EXPECT_EQ(fields[1].first, "message");
    EXPECT_FALSE(fields[1].second.empty());
    EXPECT_EQ(fields[2], (entry_field{"source_stream", k_stream}));
    EXPECT_EQ(fields[3].first, "source_id");
    const std::vector<entry_field> original(bad[i].fields.begin(), bad[i].fields.end());
    EXPECT_EQ(fields[4], (entry_field{"source_bytes",
                                      std::to_string(entry_bytes({{}, {}, false, original}))}));
    const auto stored = parse_dead_letter(fields);
    ASSERT_TRUE(stored) << "entry " << i;
    if (bad[i].reason == decode_reason::too_large) {
      // Larger than ingest.max_event_bytes: a prefix, its size and its hash.
      EXPECT_FALSE(stored->whole);
      EXPECT_EQ(fields[6], (entry_field{"source_sha256", entry_sha256(original)}));
    } else {
      EXPECT_TRUE(stored->whole) << "entry " << i;
      EXPECT_EQ(fields[5], (entry_field{"source_stored", "whole"}));
      EXPECT_EQ(stored->original, original) << "entry " << i;
    }
    EXPECT_EQ(metric_sum(registry, "index_optimizer_ingest_dead_letters_total",
                         {{"reason", std::string(to_string(bad[i].reason))}}),
              1)
        << to_string(bad[i].reason);
  }
}

// The consumer found "newcomer" unknown a moment ago (its miss is cached); the namespace is then
// created and 10 000 events follow at once. Each was read after the create, so none may be
// dead-lettered: a cached miss only answers for entries read before its lookup.
TEST_F(IngestTest, EventsOfANamespaceCreatedJustAfterItWasFoundUnknownAreAllCounted) {
  const auto cfg = test_config(redis_);
  prometheus::Registry registry;
  ingest_service service(cfg, registry);
  service.start();
  for (int round = 1; round <= 3; ++round) {
    const test_namespace ns{"ns_newcomer000" + std::to_string(round),
                            "newcomer-" + std::to_string(round)};
    const entry_fields event = {{"namespace", ns.name}, {"fields", R"(["a"])"}};
    add_events(connection_, k_stream, {event});
    ASSERT_TRUE(wait_until([&] {
      return redis_.cli({"XLEN", k_dead_letters}) == std::to_string(round);
    }));

    register_namespace(connection_, "io:", ns);
    add_events(connection_, k_stream, std::vector<entry_fields>(10000, event));
    await_drained();
    auto stats = read_namespace_window(connection_, cfg, ns.id, window_kind::decision);
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->events, 10000u) << "round " << round;
    EXPECT_EQ(redis_.cli({"XLEN", k_dead_letters}), std::to_string(round))
        << "only the event sent before the create is dead-lettered";
  }
}

// A flood of one unknown name costs a lookup per read of ingest.batch_size entries, not one per
// entry: the cached miss still answers for the rest of the read that caused it.
TEST_F(IngestTest, AFloodOfOneUnknownNameCostsALookupPerReadNotPerEntry) {
  const auto cfg = test_config(redis_);
  // Shaped like an id, so each lookup sends an EXISTS, which nothing else here does.
  add_events(
      connection_, k_stream,
      std::vector<entry_fields>(5000, {{"namespace", "ns_ghost0000001"}, {"fields", R"(["a"])"}}));
  redis_.cli({"CONFIG", "RESETSTAT"});
  prometheus::Registry registry;
  ingest_service service(cfg, registry);
  service.start();
  await_drained();
  EXPECT_EQ(redis_.cli({"XLEN", k_dead_letters}), "5000");
  const auto stats = redis_.cli({"INFO", "commandstats"});
  const auto at = stats.find("cmdstat_exists:calls=");
  ASSERT_NE(at, std::string::npos) << stats;
  const auto lookups = std::stoll(stats.substr(at + std::strlen("cmdstat_exists:calls=")));
  EXPECT_GE(lookups, 5000 / cfg.ingest.batch_size);
  EXPECT_LE(lookups, 5000 / cfg.ingest.batch_size * 2) << "one per read, give or take";
}

TEST_F(IngestTest, LateEventsAreAcknowledgedAndFutureOnesCountedNow) {
  const auto cfg = test_config(redis_);
  const std::int64_t now = unix_now_ms();
  const std::int64_t day = 24 * 3600 * 1000;
  add_events(
      connection_, k_stream,
      {{{"namespace", "alpha"}, {"ts", std::to_string(now - 10 * day)}, {"fields", R"(["old"])"}},
       {{"namespace", "alpha"}, {"ts", std::to_string(now - 2 * day)}, {"fields", R"(["recent"])"}},
       {{"namespace", "alpha"}, {"ts", std::to_string(now + day)}, {"fields", R"(["ahead"])"}}});
  prometheus::Registry registry;
  ingest_service service(cfg, registry);
  service.start();
  await_drained();
  // Metrics follow a commit's answer: final once the consumer is joined.
  EXPECT_TRUE(service.stop(5s));
  auto decision = read_namespace_window(connection_, cfg, "ns_alpha0000001", window_kind::decision);
  auto analytics =
      read_namespace_window(connection_, cfg, "ns_alpha0000001", window_kind::analytics);
  ASSERT_TRUE(decision && analytics);
  EXPECT_EQ(decision->events, 1u);
  EXPECT_EQ(decision->find("old"), nullptr);
  EXPECT_EQ(decision->find("recent"), nullptr);
  ASSERT_NE(decision->find("ahead"), nullptr);
  // Clamped to the time it was read, not a day ahead.
  EXPECT_LE(decision->find("ahead")->last_seen_ms, unix_now_ms());
  EXPECT_EQ(analytics->events, 2u);
  EXPECT_NE(analytics->find("recent"), nullptr);
  EXPECT_EQ(analytics->find("old"), nullptr);
  EXPECT_EQ(
      metric_sum(registry, "index_optimizer_ingest_late_events_total", {{"window", "decision"}}),
      2);
  EXPECT_EQ(
      metric_sum(registry, "index_optimizer_ingest_late_events_total", {{"window", "analytics"}}),
      1);
  EXPECT_EQ(metric_sum(registry, "index_optimizer_ingest_future_events_clamped_total"), 1);
  EXPECT_EQ(metric_sum(registry, "index_optimizer_ingest_events_counted_total"), 2);
}

TEST_F(IngestTest, BucketsAgeOutOfBothWindows) {
  auto cfg = test_config(redis_);
  cfg.window.length = 3s;
  cfg.window.bucket = 1s;
  cfg.window.analytics_length = 6s;
  cfg.window.analytics_bucket = 2s;
  prometheus::Registry registry;
  ingest_service service(cfg, registry);
  service.start();
  add_events(connection_, k_stream,
             std::vector<entry_fields>(10, {{"namespace", "alpha"}, {"fields", R"(["a", "b"])"}}));
  await_drained();
  auto count_of = [&](window_kind kind) { return count_of_a(cfg, kind); };
  // The events' bucket stays in the decision window for 2-3 s, in the analytics window 4-6 s.
  EXPECT_EQ(count_of(window_kind::decision), 10u);
  EXPECT_EQ(count_of(window_kind::analytics), 10u);
  ASSERT_TRUE(wait_until([&] { return count_of(window_kind::decision) == 0; }, 10s));
  EXPECT_EQ(count_of(window_kind::analytics), 10u);
  ASSERT_TRUE(wait_until([&] { return count_of(window_kind::analytics) == 0; }, 10s));
  // The sweeper (running in the consumer) leaves no key behind: totals, buckets and indexes.
  ASSERT_TRUE(wait_until([&] { return keys_matching("io:*win*").empty(); }, 10s))
      << keys_matching("io:*win*").front();
}

// Commits go to an unfolded decision bucket, to one already folded into the totals and the
// analytics window (a late batch), or straight to the analytics window (older than the decision
// window): every path counts each event once in each window it belongs to.
TEST_F(IngestTest, EventsCountOnceWhetherTheirBucketIsUnfoldedFoldedOrAnalyticsOnly) {
  auto cfg = test_config(redis_);
  cfg.window.length = 1h;
  cfg.window.bucket = 1s;
  prometheus::Registry registry;
  ingest_service service(cfg, registry);
  service.start();
  const std::int64_t ts = unix_now_ms() - 5000;  // a closed bucket
  const entry_fields event = {
      {"namespace", "alpha"}, {"ts", std::to_string(ts)}, {"fields", R"(["a"])"}};
  add_events(connection_, k_stream, std::vector<entry_fields>(5, event));
  await_drained();
  const std::string unfolded = "io:{events}:win:d:open:ns_alpha0000001";
  EXPECT_EQ(redis_.cli({"ZCARD", unfolded}), "1") << "a new bucket starts unfolded";
  auto count_of = [&](window_kind kind) { return count_of_a(cfg, kind); };
  EXPECT_EQ(count_of(window_kind::decision), 5u);
  EXPECT_EQ(count_of(window_kind::analytics), 5u);

  ASSERT_TRUE(wait_until([&] { return redis_.cli({"ZCARD", unfolded}) == "0"; }, 20s));
  // The sweep counts a fold after Redis answered it.
  EXPECT_TRUE(wait_until(
      [&] { return metric_sum(registry, "index_optimizer_window_folded_buckets_total") >= 1; }));
  EXPECT_EQ(count_of(window_kind::decision), 5u);
  EXPECT_EQ(count_of(window_kind::analytics), 5u);

  add_events(connection_, k_stream, std::vector<entry_fields>(3, event));
  add_events(connection_, k_stream,
             std::vector<entry_fields>(2, {{"namespace", "alpha"},
                                           {"ts", std::to_string(unix_now_ms() - 2 * 86'400'000)},
                                           {"fields", R"(["a"])"}}));
  await_drained();
  EXPECT_EQ(redis_.cli({"ZCARD", unfolded}), "0") << "a late batch does not unfold its bucket";
  EXPECT_EQ(count_of(window_kind::decision), 8u);
  EXPECT_EQ(count_of(window_kind::analytics), 10u);
  auto stats = read_namespace_window(connection_, cfg, "ns_alpha0000001", window_kind::analytics);
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->events, 10u);
  // The two-day-old events reach the analytics window only, and are its first sighting.
  EXPECT_LT(stats->find("a")->first_seen_ms, ts);
  EXPECT_EQ(stats->find("a")->last_seen_ms, ts);
}

// A sweep script stops after the fold that takes it past its time budget, so no script blocks
// Redis for long; the sweep calls it again and still folds everything due.
TEST_F(IngestTest, SweepScriptsStopAtTheirTimeBudgetAndTheSweepCarriesOn) {
  auto cfg = test_config(redis_);
  cfg.window.length = 1h;
  cfg.window.bucket = 1s;
  const std::string ts = std::to_string(unix_now_ms() - 5000);  // a closed bucket
  std::vector<entry_fields> events;
  for (const auto& ns : k_namespaces)
    events.push_back({{"namespace", ns.name}, {"ts", ts}, {"fields", R"(["a"])"}});
  add_events(connection_, k_stream, events);
  {
    prometheus::Registry registry;
    ingest_service service(cfg, registry);
    service.start();
    await_drained();
    // Stopped before the buckets are due (fold_delay after their last write), so that the
    // sweeps below fold them, not the consumer's.
    ASSERT_TRUE(service.stop(5s));
  }
  const std::string open_key = "io:{events}:win:d:open";
  const auto open = std::stoul(redis_.cli({"ZCARD", open_key}));
  ASSERT_GE(open, 2u) << "the consumer folded buckets before it stopped";
  const auto windows = window_specs(cfg.window);
  const auto sweep = [&](std::size_t max_steps) {
    return sweep_windows(connection_, cfg.redis.key_prefix, k_stream, windows, fold_delay(cfg), 32,
                         max_steps, std::chrono::microseconds(0));
  };
  // With no budget, one call folds one bucket (once they are due), though all are candidates.
  ASSERT_TRUE(wait_until(
      [&] {
        const auto swept = sweep(1);
        return swept && swept->folded == 1;
      },
      20s));
  EXPECT_EQ(redis_.cli({"ZCARD", open_key}), std::to_string(open - 1));
  const auto rest = sweep(64);
  ASSERT_TRUE(rest) << rest.error().message;
  EXPECT_EQ(rest->folded, open - 1);
  EXPECT_EQ(redis_.cli({"ZCARD", open_key}), "0");
  for (const auto& ns : k_namespaces) {
    const auto stats = read_namespace_window(connection_, cfg, ns.id, window_kind::decision);
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->events, 1u) << ns.id;
  }
}

TEST_F(IngestTest, DeletingANamespaceRemovesItsCountsOnly) {
  event_reference reference;
  add_events(connection_, k_stream, generate(500, reference, 3));
  const auto cfg = test_config(redis_);
  prometheus::Registry registry;
  ingest_service service(cfg, registry);
  service.start();
  await_drained();
  ASSERT_TRUE(service.stop(5s));
  const auto deleted = delete_namespace_counts(connection_, cfg, "ns_alpha0000001");
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_TRUE(keys_matching("io:*:win:*ns_alpha0000001*").empty());
  auto due = redis_.cli({"ZRANGE", "io:{events}:win:d:due", "0", "-1"});
  EXPECT_EQ(due.find("ns_alpha0000001"), std::string::npos);
  reference.fields.erase("ns_alpha0000001");
  reference.events.erase("ns_alpha0000001");
  expect_windows_equal(cfg, reference);
}

TEST_F(IngestTest, StopCommitsTheBatchInHandPromptly) {
  auto cfg = test_config(redis_);
  cfg.ingest.commit_interval = 60s;  // nothing commits before the stop
  cfg.ingest.block = 5s;
  cfg.ingest.reclaim_idle = 120s;
  prometheus::Registry registry;
  ingest_service service(cfg, registry);
  service.start();
  event_reference reference;
  add_events(connection_, k_stream, generate(200, reference, 5));
  ASSERT_TRUE(wait_until([&] {
    const auto state = read_group_state(connection_, k_stream, "index-optimizer");
    return state.pending == 200 && state.lag == 0;
  }));
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(service.stop(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s) << "the blocking read was not ended";
  EXPECT_TRUE(drained());
  expect_windows_equal(cfg, reference);
}

TEST_F(IngestTest, ReportsHeartbeatsAndRedisFailuresThroughItsHooks) {
  std::atomic<int> heartbeats{0};
  std::mutex mutex;
  std::vector<std::string> failures;
  ingest_health_hooks hooks{[&] { ++heartbeats; },
                            [&](std::string reason) {
                              std::lock_guard lock(mutex);
                              failures.push_back(std::move(reason));
                            }};
  auto failure_count = [&] {
    std::lock_guard lock(mutex);
    return failures.size();
  };
  prometheus::Registry registry;
  ingest_service service(test_config(redis_), registry, hooks);
  service.start();
  ASSERT_TRUE(wait_until([&] { return heartbeats.load() > 2; }));
  EXPECT_EQ(failure_count(), 0u);

  redis_.stop();
  ASSERT_TRUE(wait_until([&] { return failure_count() > 0; }));
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(failures.front().rfind(k_stream + ": ", 0), 0u) << failures.front();
  }
  // No heartbeat while Redis is down: /readyz must show the consumer failing (its failure
  // reports, not heartbeats, tell the watchdog that the loop is alive).
  const int beats_while_down = heartbeats.load();
  const auto failures_before = failure_count();
  ASSERT_TRUE(wait_until([&] { return failure_count() > failures_before; }));
  EXPECT_EQ(heartbeats.load(), beats_while_down);

  redis_.start();
  ASSERT_TRUE(wait_until([&] { return heartbeats.load() > beats_while_down; }, 30s));
  EXPECT_GE(metric_sum(registry, "index_optimizer_ingest_redis_errors_total"), 2);
  EXPECT_GE(metric_sum(registry, "index_optimizer_ingest_reconnects_total"), 1);
}

TEST_F(IngestTest, RestartingRedisMidStreamLosesAndDuplicatesNothing) {
  event_reference reference;
  add_events(connection_, k_stream, generate(40000, reference, 11));
  const auto cfg = test_config(redis_);
  prometheus::Registry registry;
  ingest_service service(cfg, registry);
  service.start();
  for (int restart = 0; restart < 2; ++restart) {
    const double counted_before =
        metric_sum(registry, "index_optimizer_ingest_events_counted_total");
    // Generous: under TSan on a heavily loaded host, counting 1000 events took over 20 s.
    ASSERT_TRUE(wait_until(
        [&] {
          return metric_sum(registry, "index_optimizer_ingest_events_counted_total") >
                 counted_before + 1000;
        },
        60s));
    redis_.stop();  // SIGKILL: the AOF (appendfsync always) holds every acknowledged write
    redis_.start();
    connection_ = connect_or_throw(redis_.endpoint());
  }
  await_drained(120s);
  expect_windows_equal(cfg, reference);
  // The last restart may come after the last commit: the stream is drained before the consumer
  // is back, so its reconnect is waited for rather than assumed.
  EXPECT_TRUE(wait_until(
      [&] { return metric_sum(registry, "index_optimizer_ingest_reconnects_total") >= 2; }, 30s));
}

std::filesystem::path worker_binary() {
  // CMake puts ingest-worker next to this test binary (build/tests/).
  return std::filesystem::read_symlink("/proc/self/exe").parent_path() / "ingest-worker";
}

TEST_F(IngestTest, SigkilledWorkersLoseAndDuplicateNothing) {
  const auto binary = worker_binary();
  ASSERT_TRUE(std::filesystem::exists(binary))
      << binary << " is missing: build it with `ninja -C build ingest-worker`";
  event_reference reference;
  add_events(connection_, k_stream, generate(30000, reference, 13));
  temp_dir dir;
  // A fixed consumer name picks its own pending entries up at once after a restart; a new name
  // leaves them to XAUTOCLAIM after reclaim_idle. Both paths are exercised.
  auto write_config = [&](const std::string& consumer) {
    const auto path = dir.path() / (consumer + ".yaml");
    std::ofstream(path) << "redis:\n  url: \"" << redis_.url() << "\"\n"
                        << "ingest:\n  streams: [\"" << k_stream << "\"]\n"
                        << "  consumer_name: \"" << consumer << "\"\n"
                        << "  batch_size: 200\n  block: \"100ms\"\n  commit_interval: \"20ms\"\n"
                        << "  commit_max_events: 400\n  reclaim_idle: \"1s\"\n"
                        << "logging:\n  level: warn\n";
    return path;
  };
  std::mt19937 random(42);
  auto remaining = [&] {
    const auto state = read_group_state(connection_, k_stream, "index-optimizer");
    return state.lag.value_or(30000) + state.pending.value_or(0);
  };
  int killed_mid_stream = 0;
  for (int round = 0; round < 8; ++round) {
    const std::string consumer = round % 3 == 2 ? "worker-" + std::to_string(round) : "worker";
    child_process worker(binary.string(), {write_config(consumer).string()});
    const auto before = read_group_state(connection_, k_stream, "index-optimizer");
    // Killed at a random moment once it is consuming: mid-read, mid-decode or mid-commit. Once
    // every entry was delivered (lag 0), progress shows only as fewer pending entries.
    ASSERT_TRUE(wait_until([&] {
      const auto now = read_group_state(connection_, k_stream, "index-optimizer");
      return now.lag != before.lag || now.pending != before.pending || remaining() == 0 ||
             !worker.running();
    })) << worker.output();
    // Not a synchronisation: a random delay so that the kill lands anywhere in the loop.
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % 150));
    if (remaining() > 0) ++killed_mid_stream;
    worker.kill_now();
    if (remaining() == 0) break;
  }
  EXPECT_GE(killed_mid_stream, 3) << "too few kills landed while events were in flight";
  child_process last(binary.string(), {write_config("worker").string()});
  await_drained(120s);
  expect_windows_equal(test_config(redis_), reference);
  // The earlier workers may have counted everything already, so the stream can be drained before
  // the last one got going: a SIGTERM that arrives before it blocks the signal (which it reports
  // with "ready") ends it by the default action instead of a clean stop.
  ASSERT_TRUE(wait_until([&] { return last.output().find("ready") != std::string::npos; }, 30s))
      << last.output();
  last.send_signal(SIGTERM);
  EXPECT_EQ(last.wait_for_exit(10s), 0) << last.output();
}

}  // namespace
}  // namespace index_optimizer::testing
