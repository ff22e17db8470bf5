// Window arithmetic, key layout, latency histograms and parsing of window hashes: the pure parts
// of the window store.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "window_store/bucket_log.hpp"
#include "window_store/latency_histogram.hpp"
#include "window_store/window_keys.hpp"
#include "window_store/window_spec.hpp"
#include "window_store/window_stats.hpp"

namespace index_optimizer {
namespace {

using namespace std::chrono_literals;
using hash_pairs = std::vector<std::pair<std::string_view, std::string_view>>;

TEST(WindowSpec, BucketsFloorAndTheWindowKeepsTheLastNBuckets) {
  const window_spec w{window_kind::decision, 60'000, 10'000};  // 6 buckets of 10 s
  EXPECT_EQ(w.bucket_start(0), 0);
  EXPECT_EQ(w.bucket_start(9'999), 0);
  EXPECT_EQ(w.bucket_start(10'000), 10'000);
  EXPECT_EQ(w.bucket_start(-1), -10'000);
  // At 125 s the current bucket starts at 120 s; the window holds 70..130 s.
  EXPECT_EQ(w.oldest_bucket_start(125'000), 70'000);
  EXPECT_TRUE(w.is_late(69'999, 125'000));
  EXPECT_FALSE(w.is_late(70'000, 125'000));
  EXPECT_FALSE(w.is_late(125'000, 125'000));
  EXPECT_FALSE(w.is_late(500'000, 125'000)) << "future events are never late";
}

TEST(WindowSpec, TheWindowStartLiesWithinOneBucketOfNowMinusLength) {
  const window_spec w{window_kind::analytics, 7 * 86'400'000LL, 3'600'000};
  for (std::int64_t now = 1'700'000'000'000; now < 1'700'000'000'000 + 7'200'000; now += 77'777) {
    const auto start = w.oldest_bucket_start(now);
    EXPECT_GT(start, now - w.length_ms);
    EXPECT_LE(start, now - w.length_ms + w.bucket_ms);
  }
}

TEST(WindowSpec, ComesFromTheWindowConfig) {
  window_config cfg;
  const auto specs = window_specs(cfg);
  EXPECT_EQ(specs[0], (window_spec{window_kind::decision, 86'400'000, 60'000}));
  EXPECT_EQ(specs[1], (window_spec{window_kind::analytics, 7 * 86'400'000LL, 3'600'000}));
  EXPECT_EQ(to_string(window_kind::decision), "decision");
  EXPECT_EQ(to_string(window_kind::analytics), "analytics");
}

TEST(WindowKeys, ShareTheStreamsHashTag) {
  EXPECT_EQ(hash_tag_of("io:{events}"), "{events}");
  EXPECT_EQ(hash_tag_of("{p1}:events"), "{p1}");
  EXPECT_EQ(hash_tag_of("events"), "{events}");
  EXPECT_EQ(hash_tag_of("a{}b"), "{a{}b}") << "an empty tag is no tag";
  EXPECT_EQ(hash_tag_of("a{b"), "{a{b}");

  const window_keys d("io:", "io:{events}", window_kind::decision);
  EXPECT_EQ(d.totals("ns_1"), "io:{events}:win:d:tot:ns_1");
  EXPECT_EQ(d.bucket("ns_1", 1'700'000'000'000), "io:{events}:win:d:b:ns_1:1700000000000");
  EXPECT_EQ(d.namespace_buckets("ns_1"), "io:{events}:win:d:nsb:ns_1");
  EXPECT_EQ(d.due(), "io:{events}:win:d:due");
  const window_keys a("x:", "events", window_kind::analytics);
  EXPECT_EQ(a.totals("ns_1"), "x:{events}:win:a:tot:ns_1");
}

TEST(WindowKeys, DueMembersRoundTrip) {
  EXPECT_EQ(format_due_member(1'700'000'000'000, "ns_1"), "1700000000000:ns_1");
  const auto parsed = parse_due_member("1700000000000:ns_1");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->start, "1700000000000");
  EXPECT_EQ(parsed->start_ms, 1'700'000'000'000);
  EXPECT_EQ(parsed->namespace_id, "ns_1");
  EXPECT_FALSE(parse_due_member("ns_1"));
  EXPECT_FALSE(parse_due_member(":ns_1"));
  EXPECT_FALSE(parse_due_member("12x:ns_1"));
  EXPECT_FALSE(parse_due_member("12:"));
}

TEST(LatencyHistogram, BoundsAreInclusiveAndTheLastBucketIsOpen) {
  EXPECT_EQ(latency_bucket(0), 0u);
  EXPECT_EQ(latency_bucket(0.5), 0u);
  EXPECT_EQ(latency_bucket(0.51), 1u);
  EXPECT_EQ(latency_bucket(10), 7u);
  EXPECT_EQ(latency_bucket(60000), k_latency_buckets - 2);
  EXPECT_EQ(latency_bucket(1e9), k_latency_buckets - 1);
  EXPECT_EQ(latency_micros(12.3456), 12346);
  EXPECT_EQ(latency_micros(1e12), 3'600'000'000);
  EXPECT_EQ(latency_micros(-1), 0);
}

TEST(LatencyHistogram, QuantilesInterpolateInsideTheirBucket) {
  latency_counts counts{};
  EXPECT_FALSE(latency_quantile(counts, 0.95));
  counts[latency_bucket(8)] = 100;  // all in (7.5, 10]
  EXPECT_DOUBLE_EQ(*latency_quantile(counts, 0.5), 8.75);
  EXPECT_DOUBLE_EQ(*latency_quantile(counts, 1.0), 10);
  counts = {};
  counts[latency_bucket(1)] = 95;   // (0.5, 1]
  counts[latency_bucket(900)] = 5;  // (750, 1000]
  EXPECT_DOUBLE_EQ(*latency_quantile(counts, 0.95), 1);
  EXPECT_GT(*latency_quantile(counts, 0.99), 750);
  counts = {};
  counts[k_latency_buckets - 1] = 3;
  EXPECT_DOUBLE_EQ(*latency_quantile(counts, 0.95), 60000);
}

TEST(WindowStats, HashFieldNamesPutThePathLast) {
  EXPECT_EQ(window_hash::count("a:b"), "c:a:b");
  EXPECT_EQ(window_hash::type_vote(index_type::keyword, "p"), "t1:p");
  EXPECT_EQ(window_hash::type_vote(index_type::uuid, "p"), "t8:p");
  EXPECT_EQ(window_hash::kind(kind_slot(condition_kind::range), "p"), "k2:p");
  EXPECT_EQ(window_hash::latency_bucket(30, "p"), "h30:p");
  EXPECT_EQ(window_hash::sample("p"), "sm:p");
  EXPECT_EQ(kind_slot(condition_kind::match), 0u);
  EXPECT_EQ(kind_slot(condition_kind::pattern), 11u);
}

TEST(WindowStats, BuildsFieldsFromTotalsHashesOfEveryStream) {
  window_totals_builder builder;
  builder.add(hash_pairs{{"e", "7"},
                         {"c:price", "5"},
                         {"t2:price", "3"},
                         {"t3:price", "1"},
                         {"k2:price", "5"},
                         {"ln:price", "2"},
                         {"lu:price", "30000"},
                         {"h7:price", "2"},
                         {"fs:price", "100"},
                         {"ls:price", "200"},
                         {"sm:price", "old"},
                         {"c:a:b", "1"},
                         {"t99:a:b", "1"},
                         {"x:junk", "1"},
                         {"c:bad", "NaN"}});
  builder.add(hash_pairs{{"e", "3"},
                         {"c:price", "2"},
                         {"t3:price", "2"},
                         {"fs:price", "50"},
                         {"ls:price", "300"},
                         {"sm:price", "new"},
                         {"k0:price", "2"}});
  const auto stats = std::move(builder).build("ns_1", {window_kind::decision, 60000, 1000});
  EXPECT_EQ(stats.namespace_id, "ns_1");
  EXPECT_EQ(stats.events, 10u);
  ASSERT_EQ(stats.fields.size(), 2u);
  const auto& price = stats.fields[0];
  EXPECT_EQ(price.path, "price");
  EXPECT_EQ(price.count, 7u);
  EXPECT_EQ(price.votes(index_type::integer), 3u);
  EXPECT_EQ(price.votes(index_type::float_), 3u);
  EXPECT_EQ(price.majority_type(), index_type::float_) << "a tie goes to the wider index";
  EXPECT_EQ(price.kinds(), bit(condition_kind::range) | bit(condition_kind::match));
  EXPECT_EQ(price.kind_counts[kind_slot(condition_kind::range)], 5u);
  EXPECT_EQ(price.first_seen_ms, 50);
  EXPECT_EQ(price.last_seen_ms, 300);
  EXPECT_EQ(price.sample_filter, "new") << "the stream that saw the field last gives the sample";
  EXPECT_DOUBLE_EQ(*price.latency_avg_ms(), 15.0);
  EXPECT_EQ(stats.fields[1].path, "a:b");
  EXPECT_EQ(stats.fields[1].majority_type(), index_type::unknown);
  EXPECT_EQ(stats.find("bad"), nullptr);
  EXPECT_EQ(stats.find("junk"), nullptr);
}

// A bucket log sum (what an unfolded bucket holds) adds up exactly like the hash fields a fold
// turns it into.
TEST(WindowStats, ALogSumCountsLikeTheHashFieldsItFoldsInto) {
  log_record record{};
  record[k_log_slot_count] = 5;
  record[k_log_slot_first_seen] = 100;
  record[k_log_slot_last_seen] = 200;
  record[k_log_slot_latency_count] = 2;
  record[k_log_slot_latency_sum] = 30000;
  record[k_log_slot_type_votes + 1] = 3;  // integer
  record[k_log_slot_type_votes + 2] = 1;  // float
  record[k_log_slot_kind_counts + 2] = 5;
  record[k_log_slot_latency_histogram + 7] = 2;
  bucket_log_writer writer(7, 1);
  writer.add("price", record);

  window_totals_builder from_log;
  ASSERT_TRUE(from_log.add_log(writer.take()));
  window_totals_builder from_hash;
  from_hash.add(hash_pairs{{"e", "7"},
                           {"c:price", "5"},
                           {"fs:price", "100"},
                           {"ls:price", "200"},
                           {"ln:price", "2"},
                           {"lu:price", "30000"},
                           {"t2:price", "3"},
                           {"t3:price", "1"},
                           {"k2:price", "5"},
                           {"h7:price", "2"}});
  const window_spec window{window_kind::decision, 60000, 1000};
  EXPECT_EQ(std::move(from_log).build("ns_1", window), std::move(from_hash).build("ns_1", window));
  EXPECT_FALSE(window_totals_builder{}.add_log("not a log"));
}

// The overflow entry counts refused fields together: the read reports it on its own, never as a
// field, whatever its count.
TEST(WindowStats, TheOverflowEntryIsReportedApartAndNeverAsAField) {
  const std::string overflow(k_overflow_path);
  window_totals_builder builder;
  builder.add(hash_pairs{{"e", "900"},
                         {"c:brand", "10"},
                         {"c:" + overflow, "890"},
                         {"t1:" + overflow, "890"},
                         {"fs:" + overflow, "100"},
                         {"ls:" + overflow, "200"},
                         {"sm:" + overflow, R"({"must":[]})"}});
  const auto stats = std::move(builder).build("ns_1", {window_kind::decision, 60000, 1000});
  ASSERT_EQ(stats.fields.size(), 1u);
  EXPECT_EQ(stats.fields[0].path, "brand");
  EXPECT_EQ(stats.find(overflow), nullptr);
  ASSERT_TRUE(stats.overflow);
  EXPECT_EQ(stats.overflow->count, 890u);
  EXPECT_EQ(stats.overflow->last_seen_ms, 200);
  EXPECT_EQ(stats.overflow->sample_filter, R"({"must":[]})");
  EXPECT_TRUE(overflow.starts_with('\x01')) << "no decoded field name holds a control character";
}

TEST(WindowStats, MajorityTypeTiesBetweenUnrelatedTypesGoToTheLowerType) {
  field_window_stats field;
  field.type_votes[static_cast<std::size_t>(index_type::text)] = 4;
  field.type_votes[static_cast<std::size_t>(index_type::keyword)] = 4;
  EXPECT_EQ(field.majority_type(), index_type::keyword);
  field.type_votes[static_cast<std::size_t>(index_type::uuid)] = 4;
  EXPECT_EQ(field.majority_type(), index_type::keyword);
  field.type_votes[static_cast<std::size_t>(index_type::text)] = 5;
  EXPECT_EQ(field.majority_type(), index_type::text);
}

}  // namespace
}  // namespace index_optimizer
