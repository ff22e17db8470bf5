#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/index_type.hpp"
#include "base/string_map.hpp"
#include "filter_decoder/condition_kind.hpp"
#include "window_store/latency_histogram.hpp"
#include "window_store/window_spec.hpp"

namespace index_optimizer {

inline constexpr std::size_t k_index_type_slots = 9;  // index_type values, unknown included
inline constexpr std::size_t k_condition_kind_slots = k_all_condition_kinds.size();

// The path under which a namespace's window counts the fields refused by
// ingest.max_fields_per_namespace (ingest/commit_script.hpp): their observations summed, one
// "field" for all of them. No decoded event can name it (field names with control characters
// are dead-lettered), so it never collides with a real field.
inline constexpr std::string_view k_overflow_path = "\x01overflow";

// The position of a kind in k_all_condition_kinds (its bit number).
std::size_t kind_slot(condition_kind kind) noexcept;

// One field of a namespace over one window. Read results are plain values: the analytics API and
// the optimizer get them without touching Redis.
struct field_window_stats {
  std::string path;
  std::uint64_t count = 0;  // events that filtered on the field (each event once)
  // Events whose conditions gave this type, by static_cast<size_t>(index_type); the unknown slot
  // stays 0 (an unknown observation casts no vote).
  std::array<std::uint64_t, k_index_type_slots> type_votes{};
  // Events that used each condition kind, by kind_slot().
  std::array<std::uint64_t, k_condition_kind_slots> kind_counts{};
  // Earliest and latest event time (unix ms) since the field last entered the window: first_seen
  // may be older than the window's start, it resets only once the field has left the window.
  std::int64_t first_seen_ms = 0;
  std::int64_t last_seen_ms = 0;
  std::uint64_t latency_count = 0;  // events that carried latency_ms
  std::uint64_t latency_sum_us = 0;
  latency_counts latency_histogram{};
  std::string sample_filter;  // one recent filter that used the field (compact JSON, may be cut)

  std::uint64_t votes(index_type type) const noexcept;
  // The type most events voted for; ties go to the type that serves both (widen: float over
  // integer, keyword over uuid), else to the lower index_type. unknown when nobody voted.
  index_type majority_type() const noexcept;
  condition_kinds kinds() const noexcept;  // every kind used at least once
  std::optional<double> latency_avg_ms() const noexcept;
  std::optional<double> latency_p95_ms() const noexcept;

  bool operator==(const field_window_stats&) const = default;
};

struct namespace_window_stats {
  std::string namespace_id;
  window_spec window;
  std::uint64_t events = 0;  // events of the namespace in the window (with or without fields)
  std::vector<field_window_stats> fields;  // by count, highest first, then by path
  // The observations of fields refused by the field cap (k_overflow_path), when the window holds
  // any: never among `fields`. Its count sums the refused fields' counts.
  std::optional<field_window_stats> overflow;

  const field_window_stats* find(std::string_view path) const noexcept;
  bool operator==(const namespace_window_stats&) const = default;
};

// Names of the fields of a window hash (a bucket's counts or a namespace's running totals).
// `<code>:<path>`: the path is everything after the first ':', so paths may contain ':'.
namespace window_hash {
inline constexpr std::string_view events = "e";
std::string count(std::string_view path);
std::string type_vote(index_type type, std::string_view path);
std::string kind(std::size_t slot, std::string_view path);
std::string latency_count(std::string_view path);
std::string latency_sum(std::string_view path);
std::string latency_bucket(std::size_t bucket, std::string_view path);
std::string first_seen(std::string_view path);  // totals only
std::string last_seen(std::string_view path);   // totals only
std::string sample(std::string_view path);      // totals only
}  // namespace window_hash

// Builds namespace_window_stats from window hashes (HGETALL replies as name/value pairs): the
// totals of every stream and their unfolded buckets, summed.
class window_totals_builder {
 public:
  // Adds one hash. Unknown or malformed fields are skipped, so an older reader survives a newer
  // writer's additions.
  void add(const std::vector<std::pair<std::string_view, std::string_view>>& hash);
  // Adds one bucket log sum (window_store/bucket_log.hpp); false when it does not parse.
  bool add_log(std::string_view sum);
  namespace_window_stats build(std::string namespace_id, const window_spec& window) &&;

 private:
  field_window_stats& field(std::string_view path);

  std::uint64_t events_ = 0;
  // Hashed: a namespace at its field cap has thousands of fields, each looked up per hash field.
  string_map<field_window_stats> fields_;
  // path -> (sample, last_seen of the hash it came from)
  string_map<std::pair<std::string, std::int64_t>> samples_;
};

}  // namespace index_optimizer
