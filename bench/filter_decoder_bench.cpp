// Decoding throughput of realistic filter-query events, per dialect. The consumer keeps one
// event_decoder per thread, so that is what is measured; BM_DecodeEventOneOff shows what a fresh
// decoder per event would cost instead.

#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <vector>

#include "filter_decoder/event_decoder.hpp"
#include "filter_decoder/json_sample.hpp"

namespace {

using index_optimizer::decoded_event;
using index_optimizer::entry_field;
using index_optimizer::event_decoder;

// Typical search: a tenant/category match and a numeric range.
constexpr std::string_view k_qdrant_small =
    R"({"must": [{"key": "metadata.category", "match": {"value": "shoes"}},
                 {"key": "metadata.price", "range": {"gte": 10, "lte": 200}}]})";

// A richer query: should/must_not, match.any over ten values, a datetime range, geo, nested.
constexpr std::string_view k_qdrant_complex = R"({
  "must": [
    {"key": "tenant_id", "match": {"value": "550e8400-e29b-41d4-a716-446655440000"}},
    {"key": "created_at", "range": {"gte": "2024-01-01T00:00:00Z", "lt": "2024-07-01T00:00:00Z"}},
    {"key": "location", "geo_radius": {"center": {"lat": 52.52, "lon": 13.405}, "radius": 5000.0}},
    {"nested": {"key": "variants", "filter": {"must": [
      {"key": "size", "match": {"any": [38, 39, 40, 41, 42]}},
      {"key": "in_stock", "match": {"value": true}}]}}}
  ],
  "should": [
    {"key": "brand", "match": {"any": ["acme", "globex", "initech", "umbrella", "hooli",
                                       "stark", "wayne", "wonka", "tyrell", "cyberdyne"]}},
    {"key": "title", "match": {"text": "running shoes"}}
  ],
  "must_not": [{"key": "status", "match": {"value": "archived"}}, {"is_empty": {"key": "images"}}]
})";

constexpr std::string_view k_mixpeek_small =
    R"({"AND": [{"field": "metadata.status", "operator": "eq", "value": "published"},
                {"field": "metadata.price", "operator": "lte", "value": 100}]})";

constexpr std::string_view k_mixpeek_shorthand =
    R"({"metadata.category": "video", "metadata.duration": {"gte": 30, "lt": 600.5},
        "metadata.tags": {"$in": ["sports", "news"]}})";

constexpr std::string_view k_mixpeek_complex = R"({
  "AND": [
    {"field": "metadata.status", "operator": "eq", "value": "published"},
    {"field": "metadata.user_id", "operator": "eq", "value": {"type": "dynamic", "field": "inputs.user_id"}},
    {"OR": [{"field": "metadata.category", "operator": "in", "value": ["video", "audio", "image"]},
            {"field": "metadata.title", "operator": "contains", "value": "{{INPUT.query}}"}]},
    {"NOT": {"field": "metadata.restricted", "operator": "eq", "value": true}},
    {"field": "created_at", "operator": "gte", "value": "2024-01-01T00:00:00Z"},
    {"field": "metadata.slug", "operator": "starts_with", "value": "blog/"}
  ],
  "case_sensitive": false
})";

constexpr std::string_view k_field_list =
    R"(["metadata.category", {"field": "metadata.price", "type": "float", "kinds": ["range"]},
        {"field": "tenant_id", "type": "keyword"}])";

void BM_Decode(benchmark::State& state, std::string_view payload_field, std::string_view payload) {
  const std::vector<entry_field> entry{{"namespace", "ns_8f3a2c"},
                                       {payload_field, payload},
                                       {"ts", "1718000000000"},
                                       {"latency_ms", "23.4"}};
  event_decoder decoder;
  decoded_event event;
  for (auto _ : state) {
    const auto failure = decoder.decode(entry, 1718000000001, event);
    benchmark::DoNotOptimize(failure);
    benchmark::DoNotOptimize(event.fields.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * payload.size()));
}

constexpr std::string_view k_invalid_json = R"({"must": [{"key": "a", "match": {"value": "x"}})";

void BM_DecodeEventOneOff(benchmark::State& state) {
  const std::vector<entry_field> entry{{"namespace", "ns_8f3a2c"}, {"filter", k_qdrant_small}};
  for (auto _ : state) {
    auto result = index_optimizer::decode_event(entry, 1718000000001);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// What the sample filter costs on its own (it is part of every decode above).
void BM_CompactSampleQdrantComplex(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    benchmark::DoNotOptimize(index_optimizer::compact_json_sample(k_qdrant_complex, 2048, out));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * k_qdrant_complex.size()));
}
BENCHMARK_CAPTURE(BM_Decode, qdrant_small, "filter", k_qdrant_small);
BENCHMARK_CAPTURE(BM_Decode, qdrant_complex, "filter", k_qdrant_complex);
BENCHMARK_CAPTURE(BM_Decode, mixpeek_small, "filter", k_mixpeek_small);
BENCHMARK_CAPTURE(BM_Decode, mixpeek_shorthand, "filter", k_mixpeek_shorthand);
BENCHMARK_CAPTURE(BM_Decode, mixpeek_complex, "filter", k_mixpeek_complex);
BENCHMARK_CAPTURE(BM_Decode, field_list, "fields", k_field_list);
// The dead-letter path: malformed JSON is rejected by the parser.
BENCHMARK_CAPTURE(BM_Decode, invalid_json, "filter", k_invalid_json);
BENCHMARK(BM_DecodeEventOneOff);

BENCHMARK(BM_CompactSampleQdrantComplex);

}  // namespace

BENCHMARK_MAIN();
