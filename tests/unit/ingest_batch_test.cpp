// The pure parts of ingestion: parsing stream replies, pre-aggregating a batch, the namespace
// cache and the sample policy.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "ingest/batch_aggregate.hpp"
#include "ingest/field_cap_report.hpp"
#include "ingest/namespace_resolver.hpp"
#include "ingest/sample_tracker.hpp"
#include "ingest/stream_entries.hpp"
#include "window_store/window_keys.hpp"

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
  batch.add_entry({1, 0});
  batch.add_entry({2, 0});
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
  const auto request = batch.encode({"io:", "s", "s:dl", "g", "c", 0, ""});
  EXPECT_NE(std::find(request.args.begin(), request.args.end(), R"({"must":[]})"),
            request.args.end());
}

// A batch of new fields carries at most k_commit_max_samples samples; the fields left without
// one are asked about again in the next batch.
TEST(BatchAggregate, CarriesAtMostKCommitMaxSamplesSamples) {
  batch_aggregate batch(k_windows);
  const batch_aggregate::sample_wanted always = [](std::string_view, std::string_view) {
    return true;
  };
  for (std::size_t i = 0; i < 2 * k_commit_max_samples; ++i) {
    batch.add_event("ns_a", event_with({{"f" + std::to_string(i), index_type::keyword, 0}}), k_now,
                    k_now, "{}", always);
  }
  EXPECT_EQ(batch.samples().size(), k_commit_max_samples);
  batch.clear();
  batch.add_event("ns_a", event_with({{"f0", index_type::keyword, 0}}), k_now, k_now, "{}", always);
  EXPECT_EQ(batch.samples().size(), 1u);
}

TEST(BatchAggregate, EncodesIdsWithTheirRangeAndDeclaresEveryKey) {
  batch_aggregate batch(k_windows);
  batch.add_entry({5, 1});
  batch.add_entry({3, 0});
  batch.add_entry({9, 0});
  batch.add_event("ns_a", event_with({{"f", index_type::keyword, bit(condition_kind::match)}}),
                  k_now, k_now, {}, {});
  batch.add_dead_letter({"9-0", decode_reason::invalid_json, "bad", {{"filter", "{"}}});
  const auto request = batch.encode({"io:", "io:{s}", "io:{s}:dead-letter", "grp", "me", 1000, ""});
  const std::vector<std::string> head(request.args.begin(), request.args.begin() + 10);
  // Without a token nor a count of entries held elsewhere (-1) the script walks the ids, which
  // go ascending: it confirms them by walking XPENDING's ordered reply.
  EXPECT_EQ(head, (std::vector<std::string>{"grp", "me", "", "-1", "3-0", "9-0", "3", "3-0", "5-1",
                                            "9-0"}));
  EXPECT_EQ(request.keys[0], "io:{s}");
  EXPECT_EQ(request.keys[1], "io:{s}:dead-letter");
  EXPECT_EQ(request.keys[5], "io:{s}:consumer-tokens");
  // Stream, dead letters, unfolded and due sets, consumer tokens; per namespace both totals, its
  // unfolded set, both bucket sets and its field registry; per decision bucket the bucket, its
  // log and the analytics bucket it folds into.
  EXPECT_EQ(request.keys.size(), 6u + 6 + 3);
  for (const auto& key : request.keys)
    EXPECT_NE(key.find("{s}"), std::string::npos) << key << " is outside the stream's slot";
  EXPECT_EQ(request.args[10], "1000");
  EXPECT_EQ(request.args[11], "1");
  EXPECT_EQ(request.args[12], "16");  // seven pairs of ours and one original field
  EXPECT_EQ(request.args[13], "reason");
  EXPECT_EQ(request.args[14], "invalid_json");
}

// With a token, the batch's distinct entries plus those held elsewhere are what the consumer's
// pending list must hold for the script to confirm ownership by count.
TEST(BatchAggregate, EncodesTheTokenAndThePendingCountItExpects) {
  batch_aggregate batch(k_windows);
  batch.add_entry({5, 1});
  batch.add_entry({3, 0});
  batch.add_entry({5, 1});  // twice in the batch, once pending
  const auto request =
      batch.encode({"io:", "io:{s}", "io:{s}:dead-letter", "grp", "me", 0, "tok"}, 7);
  const std::vector<std::string> head(request.args.begin(), request.args.begin() + 7);
  EXPECT_EQ(head, (std::vector<std::string>{"grp", "me", "tok", "9", "3-0", "5-1", "2"}));
  // The consumer encodes before its last reads are in, and sets what they hold afterwards.
  auto later = batch.encode({"io:", "io:{s}", "io:{s}:dead-letter", "grp", "me", 0, "tok"});
  EXPECT_EQ(later.args[3], "-1");
  set_held_elsewhere(later, 7);
  EXPECT_EQ(later.args, request.args);
  set_held_elsewhere(later, -1);
  EXPECT_EQ(later.args[3], "-1");
  // Ids past 15 characters (no short-string storage) are formatted whole.
  batch_aggregate wide(k_windows);
  wide.add_entry({1764489876543, 12345});
  const auto wide_request = wide.encode({"io:", "io:{s}", "io:{s}:dl", "grp", "me", 0, ""});
  EXPECT_EQ(wide_request.args[7], "1764489876543-12345");
  EXPECT_EQ(to_string(stream_id{18446744073709551615u, 18446744073709551615u}),
            "18446744073709551615-18446744073709551615");
}

// The commit script looks each path of a namespace up in its field registry once, and scores it
// by when the last bucket holding it leaves both windows; the consumer bounds a batch's
// (namespace, bucket, path) counts, which paths() reports.
TEST(BatchAggregate, EncodesEachPathOnceWithWhenItsLastBucketLeavesBothWindows) {
  batch_aggregate batch(k_windows);
  const auto f = [](const char* path) {
    return field_observation{path, index_type::keyword, bit(condition_kind::match)};
  };
  batch.add_entry({1, 0});
  batch.add_event("ns_a", event_with({f("a"), f("b")}), k_now, k_now, {}, {});
  batch.add_event("ns_a", event_with({f("a")}), k_now - 60'000, k_now, {}, {});
  batch.add_event("ns_a", event_with({f("c")}), k_now - 7'200'000, k_now, {}, {});  // analytics
  EXPECT_EQ(batch.paths(), 4u) << "a in two buckets, b, c";
  const auto request = batch.encode({"io:", "io:{s}", "io:{s}:dl", "g", "c", 0, "", 250});
  const auto registry = std::find(request.keys.begin(), request.keys.end(),
                                  field_registry_key("io:", "io:{s}", "ns_a"));
  ASSERT_NE(registry, request.keys.end());
  EXPECT_EQ(*registry, "io:{s}:win:fields:ns_a");
  const auto key_arg = std::to_string(registry - request.keys.begin() + 1);
  const auto at = std::find(request.args.begin(), request.args.end(), key_arg);
  ASSERT_NE(at, request.args.end());
  const auto cap = std::find(request.args.begin(), request.args.end(), "250");
  EXPECT_NE(cap, request.args.end()) << "the cap travels with the commit";
  ASSERT_EQ(*(at + 1), "3");
  std::map<std::string, std::string> leaves;
  for (auto it = at + 2; it != at + 8; it += 2)
    leaves[*it] = *(it + 1);
  // The decision window is an hour, the analytics window a day of hour buckets: a decision
  // bucket leaves both when its analytics bucket leaves the day; the analytics-only one too.
  const std::int64_t hour = k_windows[1].bucket_start(k_now);
  EXPECT_EQ(leaves, (std::map<std::string, std::string>{
                        {"a", std::to_string(hour + 86'400'000)},
                        {"b", std::to_string(hour + 86'400'000)},
                        {"c", std::to_string(hour - 7'200'000 + 86'400'000)}}));
  batch.clear();
  EXPECT_EQ(batch.paths(), 0u);
}

TEST(FieldCapLogLimiter, WarnsAtOnceThenOncePerIntervalWithEverythingSince) {
  field_cap_log_limiter limiter(60s);
  const auto t0 = field_cap_log_limiter::clock::time_point{} + 1h;
  // A namespace near its cap that refused nothing is no warning.
  EXPECT_TRUE(limiter.add({{"ns_a", 6000, 0, 0}}, t0).empty());
  EXPECT_EQ(limiter.add({{"ns_a", 10000, 3, 30}, {"ns_b", 10000, 1, 1}}, t0),
            (std::vector<field_cap_warning>{{"ns_a", 10000, 3, 30}, {"ns_b", 10000, 1, 1}}));
  EXPECT_TRUE(limiter.add({{"ns_a", 10000, 2, 20}}, t0 + 10s).empty());
  EXPECT_TRUE(limiter.add({{"ns_a", 10000, 1, 5}}, t0 + 59s).empty());
  EXPECT_EQ(limiter.add({{"ns_a", 10000, 1, 1}}, t0 + 60s),
            (std::vector<field_cap_warning>{{"ns_a", 10000, 4, 26}}));
  EXPECT_TRUE(limiter.add({{"ns_a", 10000, 1, 1}}, t0 + 61s).empty());
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
  batch.add_entry({1, 0});
  batch.add_event("ns_a", event_with({{"f", index_type::keyword, 0}}), k_now, k_now, {}, {});
  EXPECT_TRUE(batch.holds_entry({1, 0}));
  batch.clear();
  EXPECT_TRUE(batch.empty());
  EXPECT_FALSE(batch.holds_entry({1, 0}));
  EXPECT_EQ(batch.counted_events(), 0u);
  EXPECT_EQ(batch.find("ns_a", window_kind::decision, k_now, "f"), nullptr);
}

TEST(NamespaceCache, CachesHitsLongerThanMisses) {
  namespace_cache cache({5000ms, 1000ms, 100});
  const auto t0 = namespace_cache::clock::time_point{} + 1h;
  const auto read_before = t0 - 1ms;  // entries read before the lookups
  EXPECT_FALSE(cache.find("shop", t0, read_before));
  EXPECT_EQ(*cache.store("shop", "ns_1", t0), "ns_1");
  EXPECT_EQ(cache.store("ghost", std::nullopt, t0), nullptr);
  ASSERT_TRUE(cache.find("shop", t0 + 4999ms, read_before));
  EXPECT_EQ(**cache.find("shop", t0 + 4999ms, read_before), "ns_1");
  EXPECT_FALSE(cache.find("shop", t0 + 5000ms, read_before));
  ASSERT_TRUE(cache.find("ghost", t0 + 999ms, read_before));
  EXPECT_EQ(*cache.find("ghost", t0 + 999ms, read_before), nullptr);
  EXPECT_FALSE(cache.find("ghost", t0 + 1000ms, read_before));
}

TEST(NamespaceCache, AMissAnswersOnlyForEntriesReadBeforeItsLookup) {
  namespace_cache cache({5000ms, 1000ms, 100});
  const auto t0 = namespace_cache::clock::time_point{} + 1h;
  cache.store("newcomer", std::nullopt, t0);
  // The rest of the read whose first entry caused the lookup: the miss holds for them.
  ASSERT_TRUE(cache.find("newcomer", t0 + 1ms, t0 - 1ms));
  EXPECT_EQ(*cache.find("newcomer", t0 + 1ms, t0 - 1ms), nullptr);
  ASSERT_TRUE(cache.find("newcomer", t0 + 1ms, t0));
  // An entry read after the lookup may name a namespace created since: looked up again.
  EXPECT_FALSE(cache.find("newcomer", t0 + 2ms, t0 + 1ms));
  // Hits do not depend on when the entry was read.
  cache.store("shop", "ns_1", t0);
  ASSERT_TRUE(cache.find("shop", t0 + 2ms, t0 + 1ms));
  EXPECT_EQ(**cache.find("shop", t0 + 2ms, t0 + 1ms), "ns_1");
}

TEST(NamespaceCache, StartsOverWhenFull) {
  namespace_cache cache({5000ms, 1000ms, 3});
  const auto t0 = namespace_cache::clock::time_point{} + 1h;
  for (const auto* ref : {"a", "b", "c", "d"})
    cache.store(ref, std::nullopt, t0);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.find("d", t0, t0));
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

namespace index_optimizer {
namespace {

TEST(WriterSums, AddAccumulatesCountsAndVersionsAndForgetsOldBuckets) {
  writer_sums sums;
  EXPECT_EQ(sums.find("ns_a", 60'000), nullptr);
  field_map fields;
  auto& f = fields["f"];
  f.count = 2;
  f.type_votes[static_cast<std::size_t>(index_type::keyword)] = 2;
  f.first_seen_ms = 61'000;
  f.last_seen_ms = 62'000;
  sums.add("ns_a", 60'000, 3, fields);
  f.first_seen_ms = 60'500;
  f.last_seen_ms = 61'500;
  sums.add("ns_a", 60'000, 4, fields);
  const auto* sum = sums.find("ns_a", 60'000);
  ASSERT_NE(sum, nullptr);
  EXPECT_EQ(sum->version, 2);
  EXPECT_EQ(sum->events, 7u);
  const auto& held = sum->fields.at("f");
  EXPECT_EQ(held.count, 4u);
  EXPECT_EQ(held.type_votes[static_cast<std::size_t>(index_type::keyword)], 4u);
  EXPECT_EQ(held.first_seen_ms, 60'500);
  EXPECT_EQ(held.last_seen_ms, 62'000);

  sums.add("ns_a", 120'000, 1, fields);
  sums.add("ns_b", 60'000, 1, fields);
  sums.forget("ns_b", 60'000);
  EXPECT_EQ(sums.find("ns_b", 60'000), nullptr);
  sums.forget_before(120'000);
  EXPECT_EQ(sums.find("ns_a", 60'000), nullptr);
  EXPECT_NE(sums.find("ns_a", 120'000), nullptr);
  EXPECT_EQ(sums.size(), 1u);
}

// The sum a commit sends for a bucket is the held sum plus the batch, over the paths of both.
TEST(WriterSums, EncodeSendsTheBatchEntryAndTheHeldSumPlusTheBatch) {
  const std::int64_t now = 1'800'000'030'000;
  const std::int64_t start = k_windows[0].bucket_start(now);
  batch_aggregate batch(k_windows);
  batch.add_entry({1, 0});
  decoded_event event;
  event.fields.push_back({"new", index_type::keyword, 0});
  event.fields.push_back({"old", index_type::keyword, 0});
  batch.add_event("ns_a", event, now, now, {}, {});
  writer_sums sums;
  field_map held;
  held["old"].count = 5;
  held["gone"].count = 1;
  sums.add("ns_a", start, 6, held);
  const auto request = batch.encode({"io:", "io:{s}", "io:{s}:dl", "g", "c", 0, "tok"}, 0, &sums);
  // The bucket's events and entry, then the version and the sum: the last two decision-bucket
  // arguments before the analytics-only bucket count.
  const auto at = std::find(request.args.begin(), request.args.end(), std::to_string(start));
  ASSERT_NE(at, request.args.end());
  const auto offset = static_cast<std::size_t>(at - request.args.begin());
  EXPECT_EQ(request.args[offset + 5], "1");  // the batch's events
  EXPECT_EQ(request.args[offset + 7], "1");  // the version the sum builds on
  // [7 events, "new", [1, ...], "old", [6, ...], "gone", [1, ...]] in some path order.
  const std::string& sum = request.args[offset + 8];
  ASSERT_FALSE(sum.empty());
  EXPECT_EQ(static_cast<unsigned char>(sum[0]), 0x97u) << "an array of 1 + 2 x 3 items";
  EXPECT_EQ(sum[1], 7);
  for (const auto* path : {"new", "old", "gone"})
    EXPECT_NE(sum.find(path), std::string::npos) << path;
  const std::string& entry = request.args[offset + 6];
  EXPECT_EQ(static_cast<unsigned char>(entry[0]), 0x95u) << "the batch's own: 1 + 2 x 2 items";
  EXPECT_EQ(entry.find("gone"), std::string::npos);
}

}  // namespace
}  // namespace index_optimizer
