#include "ingest/field_delta.hpp"

#include <algorithm>

namespace index_optimizer {

void combine(field_delta& dst, const field_delta& src) noexcept {
  dst.count += src.count;
  for (std::size_t i = 0; i < dst.type_votes.size(); ++i)
    dst.type_votes[i] += src.type_votes[i];
  for (std::size_t i = 0; i < dst.kind_counts.size(); ++i)
    dst.kind_counts[i] += src.kind_counts[i];
  dst.latency_count += src.latency_count;
  dst.latency_sum_us += src.latency_sum_us;
  for (std::size_t i = 0; i < dst.latency_histogram.size(); ++i)
    dst.latency_histogram[i] += src.latency_histogram[i];
  dst.first_seen_ms = std::min(dst.first_seen_ms, src.first_seen_ms);
  dst.last_seen_ms = std::max(dst.last_seen_ms, src.last_seen_ms);
}

static_assert(k_log_slot_kind_counts - k_log_slot_type_votes == k_index_type_slots - 1);
static_assert(k_log_slot_latency_histogram - k_log_slot_kind_counts == k_condition_kind_slots);

log_record to_log_record(const field_delta& delta) noexcept {
  log_record record{};
  auto put = [&record](std::size_t slot, std::uint64_t value) {
    record[slot] = static_cast<std::int64_t>(value);
  };
  put(k_log_slot_count, delta.count);
  record[k_log_slot_first_seen] = delta.first_seen_ms;
  record[k_log_slot_last_seen] = delta.last_seen_ms;
  put(k_log_slot_latency_count, delta.latency_count);
  put(k_log_slot_latency_sum, delta.latency_sum_us);
  for (std::size_t slot = 1; slot < k_index_type_slots; ++slot)
    put(k_log_slot_type_votes + slot - 1, delta.type_votes[slot]);
  for (std::size_t slot = 0; slot < k_condition_kind_slots; ++slot)
    put(k_log_slot_kind_counts + slot, delta.kind_counts[slot]);
  for (std::size_t bucket = 0; bucket < k_latency_buckets; ++bucket)
    put(k_log_slot_latency_histogram + bucket, delta.latency_histogram[bucket]);
  return record;
}

}  // namespace index_optimizer
