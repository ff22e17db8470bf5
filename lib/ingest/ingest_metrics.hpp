#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <string>

#include "filter_decoder/decode_reason.hpp"

namespace index_optimizer {

// The ingestion metrics of one stream. Labels are bounded by configuration (stream), by enums
// (reason, window) or not used, and never name fields. Namespace ids label only the field-cap
// series, and only for namespaces that reached half their cap (field_cap_reporter.hpp):
// namespaces are created by operators, not by producers, so these stay few.
struct stream_ingest_metrics {
  prometheus::Counter* entries_read = nullptr;
  prometheus::Counter* events_counted = nullptr;
  std::array<prometheus::Counter*, k_all_decode_reasons.size()> dead_letters{};  // by reason
  std::array<prometheus::Counter*, 2> late_events{};  // by window, k_all_windows order
  prometheus::Counter* future_clamped = nullptr;
  prometheus::Counter* vanished = nullptr;  // deleted from the stream before they were counted
  prometheus::Counter* reclaimed = nullptr;
  prometheus::Counter* stale_commits = nullptr;
  // Commits by how the script decided the batch was still ours: count, walk, mismatch, fenced.
  prometheus::Counter* checked_by_count = nullptr;
  prometheus::Counter* checked_by_walk = nullptr;
  prometheus::Counter* check_mismatches = nullptr;
  prometheus::Counter* fenced_commits = nullptr;
  prometheus::Counter* redis_errors = nullptr;
  prometheus::Counter* reconnects = nullptr;
  std::array<prometheus::Counter*, 2> swept_buckets{};  // by window
  prometheus::Counter* folded_buckets = nullptr;
  prometheus::Histogram* commit_seconds = nullptr;
  prometheus::Histogram* commit_entries = nullptr;
  prometheus::Gauge* lag = nullptr;
  prometheus::Gauge* pending = nullptr;
  // Per namespace, labelled {stream, namespace} by field_cap_reporter.
  prometheus::Family<prometheus::Counter>* field_overflow = nullptr;
  prometheus::Family<prometheus::Gauge>* namespace_fields = nullptr;

  prometheus::Counter& dead_letter(decode_reason reason) const {
    return *dead_letters[static_cast<std::size_t>(reason)];
  }
};

// Registers the ingestion metric families (once per registry) and hands out per-stream handles.
class ingest_metrics {
 public:
  explicit ingest_metrics(prometheus::Registry& registry);
  stream_ingest_metrics for_stream(const std::string& stream);

 private:
  prometheus::Family<prometheus::Counter>& entries_read_;
  prometheus::Family<prometheus::Counter>& events_counted_;
  prometheus::Family<prometheus::Counter>& dead_letters_;
  prometheus::Family<prometheus::Counter>& late_events_;
  prometheus::Family<prometheus::Counter>& future_clamped_;
  prometheus::Family<prometheus::Counter>& vanished_;
  prometheus::Family<prometheus::Counter>& reclaimed_;
  prometheus::Family<prometheus::Counter>& stale_commits_;
  prometheus::Family<prometheus::Counter>& ownership_checks_;
  prometheus::Family<prometheus::Counter>& redis_errors_;
  prometheus::Family<prometheus::Counter>& reconnects_;
  prometheus::Family<prometheus::Counter>& swept_buckets_;
  prometheus::Family<prometheus::Counter>& folded_buckets_;
  prometheus::Family<prometheus::Histogram>& commit_seconds_;
  prometheus::Family<prometheus::Histogram>& commit_entries_;
  prometheus::Family<prometheus::Gauge>& lag_;
  prometheus::Family<prometheus::Gauge>& pending_;
  prometheus::Family<prometheus::Counter>& field_overflow_;
  prometheus::Family<prometheus::Gauge>& namespace_fields_;
};

}  // namespace index_optimizer
