#include "ingest/ingest_metrics.hpp"

#include "window_store/window_spec.hpp"

namespace index_optimizer {
namespace {

prometheus::Family<prometheus::Counter>& counter(prometheus::Registry& registry,
                                                 const std::string& name, const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

}  // namespace

ingest_metrics::ingest_metrics(prometheus::Registry& registry)
    : entries_read_(counter(registry, "index_optimizer_ingest_entries_read_total",
                            "Stream entries read (new, own pending and reclaimed).")),
      events_counted_(counter(registry, "index_optimizer_ingest_events_counted_total",
                              "Events added to at least one window by a committed batch.")),
      dead_letters_(counter(registry, "index_optimizer_ingest_dead_letters_total",
                            "Entries written to the dead-letter stream, by reason.")),
      late_events_(counter(registry, "index_optimizer_ingest_late_events_total",
                           "Events older than a window when counted (acknowledged, not counted "
                           "in that window), by window.")),
      future_clamped_(counter(registry, "index_optimizer_ingest_future_events_clamped_total",
                              "Events stamped further ahead than ingest.future_skew, counted at "
                              "the time they were read.")),
      vanished_(counter(registry, "index_optimizer_ingest_vanished_entries_total",
                        "Pending entries deleted from the stream (trimmed) before they were "
                        "counted; acknowledged.")),
      reclaimed_(counter(registry, "index_optimizer_ingest_reclaimed_entries_total",
                         "Entries taken over from idle consumers with XAUTOCLAIM.")),
      stale_commits_(counter(registry, "index_optimizer_ingest_stale_commits_total",
                             "Commits that applied nothing because another consumer had "
                             "reclaimed an entry of the batch.")),
      ownership_checks_(counter(
          registry, "index_optimizer_ingest_ownership_checks_total",
          "Commits by how the script confirmed that the batch's entries were still the "
          "consumer's: count (its pending count equals what it holds), walk (XPENDING over the "
          "batch's ids; stale commits too), mismatch (the count matched yet entries were gone: "
          "the consumer's pending list was changed from outside the daemon; applied), fenced "
          "(another process took over the consumer name; nothing applied).")),
      redis_errors_(counter(registry, "index_optimizer_ingest_redis_errors_total",
                            "Failed Redis calls of the stream consumer.")),
      reconnects_(counter(registry, "index_optimizer_ingest_reconnects_total",
                          "Connections the stream consumer opened after a failure.")),
      swept_buckets_(counter(registry, "index_optimizer_window_swept_buckets_total",
                             "Window buckets aged out of the running totals, by window.")),
      folded_buckets_(counter(registry, "index_optimizer_window_folded_buckets_total",
                              "Closed decision buckets folded into the running totals and the "
                              "analytics window.")),
      commit_seconds_(prometheus::BuildHistogram()
                          .Name("index_optimizer_ingest_commit_duration_seconds")
                          .Help("Time of one commit (counts, acknowledgements and dead letters "
                                "in one script call).")
                          .Register(registry)),
      commit_entries_(prometheus::BuildHistogram()
                          .Name("index_optimizer_ingest_commit_entries")
                          .Help("Entries acknowledged per commit.")
                          .Register(registry)),
      lag_(prometheus::BuildGauge()
               .Name("index_optimizer_ingest_consumer_lag")
               .Help("Entries in the stream not yet delivered to the consumer group (XINFO "
                     "GROUPS lag).")
               .Register(registry)),
      pending_(prometheus::BuildGauge()
                   .Name("index_optimizer_ingest_pending_entries")
                   .Help("Entries delivered to the group and not yet acknowledged.")
                   .Register(registry)),
      field_overflow_(counter(registry, "index_optimizer_ingest_field_overflow_total",
                              "Field observations counted in a namespace's overflow entry "
                              "because the namespace had reached "
                              "ingest.max_fields_per_namespace, by stream and namespace.")),
      namespace_fields_(prometheus::BuildGauge()
                            .Name("index_optimizer_ingest_namespace_fields")
                            .Help("Distinct fields a namespace's windows count (its field "
                                  "registry) as of its last commit, for namespaces that "
                                  "reached half of ingest.max_fields_per_namespace.")
                            .Register(registry)) {}

stream_ingest_metrics ingest_metrics::for_stream(const std::string& stream) {
  const prometheus::Labels labels{{"stream", stream}};
  stream_ingest_metrics m;
  m.entries_read = &entries_read_.Add(labels);
  m.events_counted = &events_counted_.Add(labels);
  for (const auto reason : k_all_decode_reasons) {
    m.dead_letters[static_cast<std::size_t>(reason)] =
        &dead_letters_.Add({{"stream", stream}, {"reason", std::string(to_string(reason))}});
  }
  for (const auto window : k_all_windows) {
    const prometheus::Labels with_window{{"stream", stream},
                                         {"window", std::string(to_string(window))}};
    m.late_events[static_cast<std::size_t>(window)] = &late_events_.Add(with_window);
    m.swept_buckets[static_cast<std::size_t>(window)] = &swept_buckets_.Add(with_window);
  }
  m.folded_buckets = &folded_buckets_.Add(labels);
  m.future_clamped = &future_clamped_.Add(labels);
  m.vanished = &vanished_.Add(labels);
  m.reclaimed = &reclaimed_.Add(labels);
  m.stale_commits = &stale_commits_.Add(labels);
  const auto check = [&](const char* how) {
    return &ownership_checks_.Add({{"stream", stream}, {"check", how}});
  };
  m.checked_by_count = check("count");
  m.checked_by_walk = check("walk");
  m.check_mismatches = check("mismatch");
  m.fenced_commits = check("fenced");
  m.redis_errors = &redis_errors_.Add(labels);
  m.reconnects = &reconnects_.Add(labels);
  m.commit_seconds = &commit_seconds_.Add(
      labels, prometheus::Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                      0.25, 0.5, 1, 2.5});
  m.commit_entries = &commit_entries_.Add(
      labels,
      prometheus::Histogram::BucketBoundaries{1, 10, 50, 100, 500, 1000, 5000, 10000, 50000});
  m.lag = &lag_.Add(labels);
  m.pending = &pending_.Add(labels);
  m.field_overflow = &field_overflow_;
  m.namespace_fields = &namespace_fields_;
  return m;
}

}  // namespace index_optimizer
