#include "optimizer/window_evidence.hpp"

namespace index_optimizer {

field_evidence to_field_evidence(const field_window_stats& stats) {
  field_evidence evidence;
  evidence.path = stats.path;
  evidence.count = stats.count;
  for (std::size_t slot = 0; slot < stats.type_votes.size(); ++slot) {
    if (stats.type_votes[slot] > 0) {
      evidence.type_votes.emplace(static_cast<index_type>(slot), stats.type_votes[slot]);
    }
  }
  evidence.kinds = stats.kinds();
  evidence.first_seen_ms = stats.first_seen_ms;
  evidence.last_seen_ms = stats.last_seen_ms;
  evidence.sample_filter = stats.sample_filter;
  evidence.avg_latency_ms = stats.latency_avg_ms();
  evidence.p95_latency_ms = stats.latency_p95_ms();
  return evidence;
}

std::vector<field_evidence> to_field_evidence(const namespace_window_stats& stats) {
  std::vector<field_evidence> fields;
  fields.reserve(stats.fields.size());
  for (const auto& field : stats.fields)
    fields.push_back(to_field_evidence(field));
  return fields;
}

}  // namespace index_optimizer
