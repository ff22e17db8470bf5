// The pure parts of ingestion: parsing stream replies, pre-aggregating a batch, the namespace
// cache and the sample policy.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/batch_aggregate.hpp"
#include "ingest/namespace_resolver.hpp"
#include "ingest/sample_tracker.hpp"
#include "ingest/stream_entries.hpp"

namespace index_optimizer {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t k_now = 1'699'920'000'000;  // a multiple of every bucket below
const std::array<window_spec, 2> k_windows{
    window_spec{window_kind::decision, 3'600'000, 60'000},
    window_spec{window_kind::analytics, 86'400'000, 3'600'000}};

decoded_event event_with(std::vector<field_observation> fields,
                         std::optional<double> latency = std::nullopt) {
  decoded_event event;
  event.fields = std::move(fields);
  event.latency_ms = latency;
  return event;
}

TEST(StreamEntries, ParsesIdsInRedisOrder) {
  const auto id = parse_stream_id("1700000000000-12");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->ms, 1'700'000'000'000u);
  EXPECT_EQ(id->seq, 12u);
  EXPECT_LT(*parse_stream_id("5-9"), *parse_stream_id("10-0"));
  EXPECT_LT(*parse_stream_id("5-9"), *parse_stream_id("5-10"));
  EXPECT_EQ(to_string(*id), "1700000000000-12");
  EXPECT_FALSE(parse_stream_id("5"));
  EXPECT_FALSE(parse_stream_id("-5"));
  EXPECT_FALSE(parse_stream_id("5-"));
  EXPECT_FALSE(parse_stream_id("a-1"));
}

TEST(StreamEntries, ParsesXreadgroupRepliesIncludingDeletedEntries) {
  using r = redis_reply;
  const auto reply = r::array({r::array(
      {r::string("s"),
       r::array({r::array({r::string("1-0"), r::array({r::string("namespace"), r::string("a"),
                                                       r::string("filter"), r::string("{}")})}),
                 r::array({r::string("2-0"), r::nil()})})})});
  std::vector<stream_entry_view> entries;
  ASSERT_TRUE(parse_xreadgroup_reply(reply, entries));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].id, "1-0");
  EXPECT_FALSE(entries[0].deleted);
  ASSERT_EQ(entries[0].fields.size(), 2u);
  EXPECT_EQ(entries[0].fields[1], (entry_field{"filter", "{}"}));
  EXPECT_EQ(entry_bytes(entries[0]), 9u + 1 + 6 + 2);
  EXPECT_TRUE(entries[1].deleted);

  ASSERT_TRUE(parse_xreadgroup_reply(r::nil(), entries)) << "a timed-out read is no entries";
  EXPECT_TRUE(entries.empty());
  EXPECT_FALSE(parse_xreadgroup_reply(r::string("x"), entries));
  EXPECT_FALSE(parse_xreadgroup_reply(
      r::array({r::array({r::string("s"), r::array({r::array({r::string("1-0"),
                                                              r::array({r::string("odd")})})})})}),
      entries));
}

TEST(StreamEntries, ParsesXautoclaimReplies) {
  using r = redis_reply;
  const auto reply = r::array(
      {r::string("7-0"),
       r::array({r::array({r::string("3-0"), r::array({r::string("a"), r::string("b")})})}),
       r::array({r::string("4-0"), r::string("5-0")})});
  autoclaim_page page;
  ASSERT_TRUE(parse_xautoclaim_reply(reply, page));
  EXPECT_EQ(page.next_cursor, "7-0");
  ASSERT_EQ(page.entries.size(), 1u);
  EXPECT_EQ(page.entries[0].id, "3-0");
  EXPECT_EQ(page.deleted, 2u);
}

TEST(BatchAggregate, CountsEachFieldOnceWithTypeVotesKindsAndLatency) {
  batch_aggregate batch(k_windows);
  batch.add_entry("1-0", {1, 0});
  batch.add_entry("2-0", {2, 0});
  batch.add_event("ns_a",
                  event_with({{"price", index_type::integer, bit(condition_kind::range)},
                              {"color", index_type::keyword,
                               bit(condition_kind::match) | bit(condition_kind::any)}},
                             12.0),
                  k_now + 5, k_now + 10, {}, {});
  batch.add_event("ns_a", event_with({{"price", index_type::float_, bit(condition_kind::range)}}),
                  k_now + 7, k_now + 10, {}, {});
  EXPECT_EQ(batch.entries(), 2u);
  EXPECT_EQ(batch.counted_events(), 2u);
  EXPECT_EQ(batch.namespace_events("ns_a", window_kind::decision, k_now), 2u);
  EXPECT_EQ(batch.namespace_events("ns_a", window_kind::analytics, k_now), 0u)
      << "the analytics window gets decision buckets when they are folded";
  const auto* price = batch.find("ns_a", window_kind::decision, k_now, "price");
  ASSERT_NE(price, nullptr);
  EXPECT_EQ(price->count, 2u);
  EXPECT_EQ(price->type_votes[static_cast<std::size_t>(index_type::integer)], 1u);
  EXPECT_EQ(price->type_votes[static_cast<std::size_t>(index_type::float_)], 1u);
  EXPECT_EQ(price->kind_counts[kind_slot(condition_kind::range)], 2u);
  EXPECT_EQ(price->latency_count, 1u);
  EXPECT_EQ(price->latency_sum_us, 12000u);
  EXPECT_EQ(price->latency_histogram[latency_bucket(12)], 1u);
  EXPECT_EQ(price->first_seen_ms, k_now + 5);
  EXPECT_EQ(price->last_seen_ms, k_now + 7);
  const auto* color = batch.find("ns_a", window_kind::decision, k_now, "color");
  ASSERT_NE(color, nullptr);
  EXPECT_EQ(color->kind_counts[kind_slot(condition_kind::match)], 1u);
  EXPECT_EQ(color->kind_counts[kind_slot(condition_kind::any)], 1u);
  EXPECT_EQ(color->type_votes[static_cast<std::size_t>(index_type::unknown)], 0u);
}

TEST(BatchAggregate, UnknownTypesCastNoVoteAndEmptyFiltersCountTheEventOnly) {
  batch_aggregate batch(k_windows);
  batch.add_event("ns_a", event_with({{"x", index_type::unknown, 0}}), k_now, k_now, {}, {});
  batch.add_event("ns_a", event_with({}), k_now, k_now, {}, {});
  const auto* x = batch.find("ns_a", window_kind::decision, k_now, "x");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->count, 1u);
  for (const auto votes : x->type_votes)
    EXPECT_EQ(votes, 0u);
  EXPECT_EQ(batch.namespace_events("ns_a", window_kind::decision, k_now), 2u);
  EXPECT_EQ(batch.counted_events(), 2u);
}

TEST(BatchAggregate, LateEventsSkipTheWindowsTheyMissed) {
  batch_aggregate batch(k_windows);
  const auto field = std::vector<field_observation>{{"f", index_type::keyword, 0}};
  // Two hours old: out of the 1 h decision window, inside the 24 h analytics window.
  auto late = batch.add_event("ns_a", event_with(field), k_now - 7'200'000, k_now, {}, {});
  EXPECT_TRUE(late[0]);
  EXPECT_FALSE(late[1]);
  EXPECT_EQ(batch.find("ns_a", window_kind::decision, k_now - 7'200'000, "f"), nullptr);
  EXPECT_NE(batch.find("ns_a", window_kind::analytics, k_now - 7'200'000, "f"), nullptr);
  // Two days old: late for both, acknowledged but counted nowhere.
  late = batch.add_event("ns_b", event_with(field), k_now - 2 * 86'400'000, k_now, {}, {});
  EXPECT_TRUE(late[0] && late[1]);
  EXPECT_EQ(batch.counted_events(), 1u);
  EXPECT_EQ(batch.late_events()[0], 2u);
  EXPECT_EQ(batch.late_events()[1], 1u);
}

TEST(BatchAggregate, AsksForASampleOncePerFieldAndCompactsIt) {
  batch_aggregate batch(k_windows);
  int asked = 0;
  const batch_aggregate::sample_wanted wants = [&](std::string_view ns, std::string_view path) {
    ++asked;
    return ns == "ns_a" && path == "f";
  };
  const auto field =
      std::vector<field_observation>{{"f", index_type::keyword, 0}, {"g", index_type::keyword, 0}};
  batch.add_event("ns_a", event_with(field), k_now, k_now, R"({ "must" : [ ] })", wants);
  batch.add_event("ns_a", event_with(field), k_now + 1, k_now, "{}", wants);
  EXPECT_EQ(asked, 2) << "once per new field and bucket, not per event";
  const auto samples = batch.samples();
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0], (std::pair<std::string, std::string>{"ns_a", "f"}));
  const auto request = batch.encode({"io:", "s", "s:dl", "g", "c", 0});
  EXPECT_NE(std::find(request.args.begin(), request.args.end(), R"({"must":[]})"),
            request.args.end());
}

TEST(BatchAggregate, EncodesIdsWithTheirRangeAndDeclaresEveryKey) {
  batch_aggregate batch(k_windows);
  batch.add_entry("5-1", {5, 1});
  batch.add_entry("3-0", {3, 0});
  batch.add_entry("9-0", {9, 0});
  batch.add_event("ns_a", event_with({{"f", index_type::keyword, bit(condition_kind::match)}}),
                  k_now, k_now, {}, {});
  batch.add_dead_letter({"9-0", decode_reason::invalid_json, "bad", {{"filter", "{"}}});
  const auto request = batch.encode({"io:", "io:{s}", "io:{s}:dead-letter", "grp", "me", 1000});
  const std::vector<std::string> head(request.args.begin(), request.args.begin() + 8);
  // Ascending: the script confirms them by walking XPENDING's ordered reply.
  EXPECT_EQ(head, (std::vector<std::string>{"grp", "me", "3-0", "9-0", "3", "3-0", "5-1", "9-0"}));
  EXPECT_EQ(request.keys[0], "io:{s}");
  EXPECT_EQ(request.keys[1], "io:{s}:dead-letter");
  // Stream, dead letters, unfolded and due sets; per namespace both totals, its unfolded set and
  // both bucket sets; per decision bucket the bucket, its log and the analytics bucket it folds
  // into.
  EXPECT_EQ(request.keys.size(), 5u + 5 + 3);
  for (const auto& key : request.keys)
    EXPECT_NE(key.find("{s}"), std::string::npos) << key << " is outside the stream's slot";
  EXPECT_EQ(request.args[8], "1000");
  EXPECT_EQ(request.args[9], "1");
  EXPECT_EQ(request.args[10], "12");  // five metadata pairs and one original field
  EXPECT_EQ(request.args[11], "reason");
  EXPECT_EQ(request.args[12], "invalid_json");
}

TEST(BatchAggregate, CapsTheFieldsADeadLetterKeeps) {
  batch_aggregate batch(k_windows);
  dead_letter_entry dead{"1-0", decode_reason::too_large, "big", {}};
  dead.fields.assign(1000, {"k", "v"});
  batch.add_dead_letter(dead);
  EXPECT_EQ(batch.dead_letters()[0].fields.size(), k_dead_letter_max_fields);
}

TEST(BatchAggregate, ClearForgetsEverything) {
  batch_aggregate batch(k_windows);
  batch.add_entry("1-0", {1, 0});
  batch.add_event("ns_a", event_with({{"f", index_type::keyword, 0}}), k_now, k_now, {}, {});
  EXPECT_TRUE(batch.holds_entry("1-0"));
  batch.clear();
  EXPECT_TRUE(batch.empty());
  EXPECT_FALSE(batch.holds_entry("1-0"));
  EXPECT_EQ(batch.counted_events(), 0u);
  EXPECT_EQ(batch.find("ns_a", window_kind::decision, k_now, "f"), nullptr);
}

TEST(NamespaceCache, CachesHitsLongerThanMisses) {
  namespace_cache cache({5000ms, 1000ms, 100});
  const auto t0 = namespace_cache::clock::time_point{} + 1h;
  EXPECT_FALSE(cache.find("shop", t0));
  EXPECT_EQ(*cache.store("shop", "ns_1", t0), "ns_1");
  EXPECT_EQ(cache.store("ghost", std::nullopt, t0), nullptr);
  ASSERT_TRUE(cache.find("shop", t0 + 4999ms));
  EXPECT_EQ(**cache.find("shop", t0 + 4999ms), "ns_1");
  EXPECT_FALSE(cache.find("shop", t0 + 5000ms));
  ASSERT_TRUE(cache.find("ghost", t0 + 999ms));
  EXPECT_EQ(*cache.find("ghost", t0 + 999ms), nullptr);
  EXPECT_FALSE(cache.find("ghost", t0 + 1000ms)) << "a new namespace is seen within a second";
}

TEST(NamespaceCache, StartsOverWhenFull) {
  namespace_cache cache({5000ms, 1000ms, 3});
  const auto t0 = namespace_cache::clock::time_point{} + 1h;
  for (const auto* ref : {"a", "b", "c", "d"})
    cache.store(ref, std::nullopt, t0);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.find("d", t0));
}

TEST(SampleTracker, WantsASampleAgainAfterTheRefresh) {
  sample_tracker tracker(60s, 100);
  const auto t0 = sample_tracker::clock::time_point{} + 1h;
  EXPECT_TRUE(tracker.wants("ns", "f", t0));
  tracker.record("ns", "f", t0);
  EXPECT_FALSE(tracker.wants("ns", "f", t0 + 59s));
  EXPECT_TRUE(tracker.wants("ns", "g", t0 + 59s));
  EXPECT_TRUE(tracker.wants("ns2", "f", t0 + 59s));
  EXPECT_TRUE(tracker.wants("ns", "f", t0 + 60s));
}

}  // namespace
}  // namespace index_optimizer
