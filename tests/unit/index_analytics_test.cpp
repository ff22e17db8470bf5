#include "analytics_api/index_analytics.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace index_optimizer {
namespace {

window_config windows() {
  return window_config{};
}  // 24h decision, 7d analytics

field_window_stats field(std::string path, std::uint64_t count, index_type type) {
  field_window_stats f;
  f.path = std::move(path);
  f.count = count;
  f.type_votes[static_cast<std::size_t>(type)] = count;
  f.first_seen_ms = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
  f.last_seen_ms = 1'767'229'200'000;   // 2026-01-01T01:00:00Z
  return f;
}

namespace_model make_namespace() {
  namespace_model ns;
  ns.namespace_id = "ns_abc123def456";
  ns.namespace_name = "prod";
  ns.auto_create_indexes = true;
  ns.payload_indexes.push_back({"category", index_type::keyword, std::nullopt, false, {}});
  return ns;
}

TEST(IndexAnalyticsQuery, UsageDefaultsAndConfiguredWindows) {
  auto q = parse_usage_query({}, windows());
  ASSERT_TRUE(q);
  EXPECT_EQ(q.value().period, "24h");
  EXPECT_EQ(q.value().window, window_kind::decision);
  EXPECT_EQ(q.value().min_count, 1u);
  q = parse_usage_query({{"period", "7d"}, {"min_count", "5"}}, windows());
  ASSERT_TRUE(q);
  EXPECT_EQ(q.value().window, window_kind::analytics);
  EXPECT_EQ(q.value().min_count, 5u);
  EXPECT_TRUE(parse_usage_query({{"period", "168h"}}, windows()));
  EXPECT_TRUE(parse_usage_query({{"period", "1d"}}, windows()));
}

TEST(IndexAnalyticsQuery, UsageRejectsBadParameters) {
  auto q = parse_usage_query({{"period", "30d"}}, windows());
  ASSERT_FALSE(q);
  EXPECT_EQ(q.errors()[0].type, "value_error");
  EXPECT_EQ(q.errors()[0].location, (error_location{"query", "period"}));
  q = parse_usage_query({{"period", "24x"}}, windows());
  ASSERT_FALSE(q);
  EXPECT_EQ(q.errors()[0].type, "string_pattern_mismatch");
  q = parse_usage_query({{"min_count", "0"}}, windows());
  ASSERT_FALSE(q);
  EXPECT_EQ(q.errors()[0].type, "greater_than_equal");
  q = parse_usage_query({{"min_count", "10001"}}, windows());
  ASSERT_FALSE(q);
  EXPECT_EQ(q.errors()[0].type, "less_than_equal");
  q = parse_usage_query({{"min_count", "ten"}}, windows());
  ASSERT_FALSE(q);
  EXPECT_EQ(q.errors()[0].type, "int_parsing");
}

// Found by fuzz/query_params_fuzz.cpp: hours * 3600000 overflowed int64, and
// 144115188075855896h wrapped around to exactly 24 h.
TEST(IndexAnalyticsQuery, UsagePeriodTooLongForMillisecondsNamesNoWindow) {
  for (const auto* period : {"4852094820647174142h", "144115188075855896h", "18446744073709551615d",
                             "106751991167301d"}) {
    const auto q = parse_usage_query({{"period", period}}, windows());
    ASSERT_FALSE(q) << period;
    EXPECT_EQ(q.errors()[0].type, "value_error") << period;
  }
}

TEST(IndexAnalyticsQuery, SuggestionsHoursMustNameAWindow) {
  auto q = parse_suggestions_query({}, windows());
  ASSERT_TRUE(q);
  EXPECT_EQ(q.value().min_count, 100u);
  EXPECT_EQ(q.value().analysis_period, "24h");
  q = parse_suggestions_query({{"hours", "168"}}, windows());
  ASSERT_TRUE(q);
  EXPECT_EQ(q.value().analysis_period, "7d");
  EXPECT_FALSE(parse_suggestions_query({{"hours", "12"}}, windows()));
  EXPECT_FALSE(parse_suggestions_query({{"hours", "721"}}, windows()));
}

TEST(IndexAnalytics, UsageResponseMatchesFieldUsageResponse) {
  namespace_window_stats stats;
  stats.fields = {field("category", 150, index_type::keyword),
                  field("price", 40, index_type::float_),
                  field("internal_id", 3, index_type::keyword)};
  stats.fields[1].latency_count = 2;
  stats.fields[1].latency_sum_us = 30'000;
  const auto r =
      field_usage_response(make_namespace(), stats, {window_kind::decision, "24h", 1}, 10000);
  EXPECT_EQ(r.at("namespace_id"), "ns_abc123def456");
  EXPECT_EQ(r.at("period"), "24h");
  EXPECT_EQ(r.at("total_fields"), 3);
  EXPECT_EQ(r.at("indexed_fields"), 1);
  EXPECT_EQ(r.at("unindexed_fields"), 2);
  const auto& fields = r.at("fields").as_array();
  const auto& category = fields[0].as_object();
  EXPECT_EQ(category.at("field_name"), "category");
  EXPECT_EQ(category.at("query_count"), 150);
  EXPECT_EQ(category.at("unique_queries"), 150);
  EXPECT_EQ(category.at("is_indexed"), true);
  EXPECT_EQ(category.at("is_protected"), false);
  EXPECT_TRUE(category.at("avg_latency_ms").is_null());  // no event carried latency_ms
  EXPECT_EQ(category.at("first_seen"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(category.at("last_seen"), "2026-01-01T01:00:00Z");
  EXPECT_DOUBLE_EQ(fields[1].at("avg_latency_ms").as_double(), 15.0);
  EXPECT_EQ(fields[2].at("is_protected"), true);  // a system field
  EXPECT_EQ(category.size(), 9u);
  EXPECT_TRUE(r.at("next_cursor").is_null()) << "one page holds every field";
  EXPECT_TRUE(r.at("field_overflow").is_null()) << "no field was past the cap";
}

// Pages in listing order (count descending, then name), each page's cursor leading to the next:
// together they list every field once, and every page reports the totals of all of them.
TEST(IndexAnalytics, UsagePagesListEveryFieldOnceAndCountEveryPage) {
  namespace_window_stats stats;
  for (int i = 0; i < 25; ++i) {
    // Counts 14, 14, 13, 13, ...: ties are ordered by name.
    stats.fields.push_back(field("f" + std::to_string(100 + i), 14 - i / 2, index_type::keyword));
  }
  stats.fields.push_back(field("category", 1, index_type::keyword));
  usage_query query{window_kind::decision, "24h", 1};
  query.limit = 10;
  std::vector<std::string> listed;
  std::size_t pages = 0;
  for (;;) {
    const auto r = field_usage_response(make_namespace(), stats, query, 10000);
    ++pages;
    EXPECT_EQ(r.at("total_fields"), 26);
    EXPECT_EQ(r.at("indexed_fields"), 1);
    const auto& fields = r.at("fields").as_array();
    EXPECT_LE(fields.size(), 10u);
    for (const auto& f : fields)
      listed.emplace_back(f.at("field_name").as_string());
    if (r.at("next_cursor").is_null()) break;
    query.after = decode_field_cursor(r.at("next_cursor").as_string());
    ASSERT_TRUE(query.after);
    ASSERT_LE(pages, 3u);
  }
  EXPECT_EQ(pages, 3u);
  ASSERT_EQ(listed.size(), 26u);
  EXPECT_EQ(listed.front(), "f100");
  EXPECT_EQ(listed[1], "f101");
  EXPECT_EQ(listed.back(), "category");
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()).size(), 26u);
}

TEST(IndexAnalytics, UsageNamesTheOverflowEntryAndItsCap) {
  namespace_window_stats stats;
  stats.fields = {field("brand", 10, index_type::keyword)};
  stats.overflow = field(std::string(k_overflow_path), 4321, index_type::keyword);
  const auto r =
      field_usage_response(make_namespace(), stats, {window_kind::decision, "24h", 1}, 5000);
  EXPECT_EQ(r.at("total_fields"), 1) << "the overflow entry is not a field";
  const auto& overflow = r.at("field_overflow").as_object();
  EXPECT_EQ(overflow.at("query_count"), 4321);
  EXPECT_EQ(overflow.at("max_fields_per_namespace"), 5000);
  EXPECT_EQ(overflow.at("first_seen"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(overflow.at("last_seen"), "2026-01-01T01:00:00Z");
}

TEST(IndexAnalyticsQuery, FieldCursorsRoundTripAnyNameAndRejectForeignText) {
  for (const field_cursor& cursor : {field_cursor{0, ""}, field_cursor{12, "a.b[].c"},
                                     field_cursor{UINT64_MAX, "caf\xc3\xa9 \x7f"}}) {
    const auto text = encode_field_cursor(cursor);
    EXPECT_EQ(text.find_first_not_of("0123456789abcdef."), std::string::npos) << text;
    EXPECT_EQ(decode_field_cursor(text), cursor);
  }
  for (const char* bad : {"", "12", ".61", "x.61", "12.6", "12.6g", "12.6A", "-1.61", "o10"})
    EXPECT_FALSE(decode_field_cursor(bad)) << bad;
}

TEST(IndexAnalyticsQuery, LimitAndCursorAreCheckedLikeEveryParameter) {
  auto q = parse_usage_query({}, windows());
  ASSERT_TRUE(q);
  EXPECT_EQ(q.value().limit, k_default_field_page);
  EXPECT_FALSE(q.value().after);
  q = parse_usage_query({{"limit", "5"}, {"cursor", encode_field_cursor({3, "x"})}}, windows());
  ASSERT_TRUE(q);
  EXPECT_EQ(q.value().limit, 5u);
  EXPECT_EQ(q.value().after, (field_cursor{3, "x"}));
  const auto s = parse_suggestions_query({{"limit", "7"}}, windows());
  ASSERT_TRUE(s);
  EXPECT_EQ(s.value().limit, 7u);
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"limit", "0"}, {"limit", "1001"}, {"limit", "x"}, {"cursor", "nope"}}) {
    const auto bad = parse_usage_query({{name, value}}, windows());
    ASSERT_FALSE(bad) << name << "=" << value;
    EXPECT_EQ(bad.errors().front().location, (error_location{"query", name}));
    EXPECT_FALSE(parse_suggestions_query({{name, value}}, windows())) << name << "=" << value;
  }
}

TEST(IndexAnalytics, UsageHonoursMinCount) {
  namespace_window_stats stats;
  stats.fields = {field("a", 10, index_type::keyword), field("b", 9, index_type::keyword)};
  const auto r =
      field_usage_response(make_namespace(), stats, {window_kind::decision, "24h", 10}, 10000);
  EXPECT_EQ(r.at("total_fields"), 1);
}

TEST(IndexAnalytics, SuggestionsAreStrictlyAboveMinCountWithKnownType) {
  namespace_window_stats decision;
  decision.fields = {field("brand", 101, index_type::keyword),
                     field("year", 100, index_type::integer),
                     field("tmpl", 500, index_type::unknown)};
  namespace_window_stats analytics;
  analytics.fields = {field("brand", 700, index_type::keyword)};
  const auto next = std::chrono::system_clock::time_point(std::chrono::seconds(1'767'225'600));
  const auto r = index_suggestions_response(make_namespace(), decision, decision, &analytics,
                                            {window_kind::decision, "24h", 100}, next);
  EXPECT_EQ(r.at("analysis_period"), "24h");
  EXPECT_EQ(r.at("auto_create_enabled"), true);
  EXPECT_EQ(r.at("next_auto_create_run"), "2026-01-01T00:00:00Z");
  const auto& s = r.at("suggestions").as_array();
  ASSERT_EQ(s.size(), 1u);  // 100 is not > 100; unknown types are not suggested
  EXPECT_EQ(s[0].at("field_name"), "brand");
  EXPECT_EQ(s[0].at("query_count_24h"), 101);
  EXPECT_EQ(s[0].at("query_count_7d"), 700);
  EXPECT_EQ(s[0].at("suggested_type"), "keyword");
  EXPECT_EQ(s[0].at("is_indexed"), false);
  EXPECT_TRUE(s[0].at("estimated_performance_gain").is_null());
  EXPECT_TRUE(r.at("next_cursor").is_null());
}

TEST(IndexAnalytics, SuggestionsPageLikeUsage) {
  namespace_window_stats decision;
  for (int i = 0; i < 5; ++i)
    decision.fields.push_back(field("f" + std::to_string(i), 500 - i, index_type::keyword));
  suggestions_query query{window_kind::decision, "24h", 100};
  query.limit = 2;
  std::vector<std::string> listed;
  for (int page = 0; page < 3; ++page) {
    const auto r = index_suggestions_response(make_namespace(), decision, decision, nullptr, query,
                                              std::nullopt);
    for (const auto& s : r.at("suggestions").as_array()) {
      listed.emplace_back(s.at("field_name").as_string());
    }
    if (page < 2) {
      ASSERT_TRUE(r.at("next_cursor").is_string()) << page;
      query.after = decode_field_cursor(r.at("next_cursor").as_string());
    } else {
      EXPECT_TRUE(r.at("next_cursor").is_null());
    }
  }
  EXPECT_EQ(listed, (std::vector<std::string>{"f0", "f1", "f2", "f3", "f4"}));
}

TEST(IndexAnalytics, NoNextRunWhenAutoCreateIsOff) {
  auto ns = make_namespace();
  ns.auto_create_indexes = false;
  namespace_window_stats empty;
  const auto r =
      index_suggestions_response(ns, empty, empty, nullptr, {window_kind::decision, "24h", 100},
                                 std::chrono::system_clock::now());
  EXPECT_TRUE(r.at("next_auto_create_run").is_null());
  EXPECT_EQ(r.at("auto_create_enabled"), false);
}

}  // namespace
}  // namespace index_optimizer
