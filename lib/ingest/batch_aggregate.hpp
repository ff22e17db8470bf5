#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/string_map.hpp"
#include "filter_decoder/decode_reason.hpp"
#include "filter_decoder/event_decoder.hpp"
#include "ingest/dead_letter.hpp"
#include "ingest/field_delta.hpp"
#include "ingest/stream_entries.hpp"
#include "ingest/writer_sums.hpp"
#include "window_store/latency_histogram.hpp"
#include "window_store/window_spec.hpp"
#include "window_store/window_stats.hpp"

namespace index_optimizer {

// Where a batch is committed.
struct commit_target {
  std::string key_prefix;
  std::string stream;
  std::string dead_letter_stream;
  std::string group;
  std::string consumer;
  std::int64_t dead_letter_max_length = 0;  // 0: never trimmed
  // This process's token for the consumer name (ingest/commit_script.hpp); empty: no token, the
  // ownership check walks the batch's ids.
  std::string consumer_token;
  // ingest.max_fields_per_namespace: the field cap the commit script enforces.
  std::int64_t max_fields_per_namespace = 10000;
};

// KEYS and ARGV of one call of the commit script (ingest/commit_script.hpp documents the layout).
struct commit_request {
  std::vector<std::string> keys;
  std::vector<std::string> args;
  // The batch's distinct entry ids: with what the consumer holds elsewhere, the pending count
  // the script expects (set_held_elsewhere).
  std::int64_t batch_ids = 0;
};

// Sets, in an encoded request, what the consumer holds unacknowledged besides the batch (-1: it
// cannot tell). The consumer encodes a commit while its last reads are still in flight, and
// learns how many entries they returned only afterwards.
void set_held_elsewhere(commit_request& request, std::int64_t held_elsewhere);

// A commit is due once its batch holds this many (namespace, bucket, path) counts: the commit
// script's work grows with them (a registry lookup each, and decoding them when a field is
// refused), so bounding them bounds the script's time however many fields producers invent.
inline constexpr std::size_t k_commit_max_paths = 500;

// Sample filters one batch carries at most (each up to 2 KiB, one per field new to the batch):
// a batch of new fields would otherwise bring one each. A field left without one gets it in a
// later batch, since the sample policy keeps asking until a sample is committed.
inline constexpr std::size_t k_commit_max_samples = 64;

// The batch between two commits: every entry id to acknowledge, the counts of the counted events
// pre-aggregated per namespace, window, bucket and field, and the dead letters. Pure: the
// consumer fills it and encodes it into one commit script call.
class batch_aggregate {
 public:
  using sample_wanted = std::function<bool(std::string_view namespace_id, std::string_view path)>;

  explicit batch_aggregate(const std::array<window_spec, 2>& windows);

  // Every entry of the batch goes through here first, counted or not: the commit acknowledges
  // exactly these ids.
  void add_entry(const stream_id& id);
  bool holds_entry(const stream_id& id) const noexcept;  // linear: for the rare reclaim path

  // Counts a decoded event of `namespace_id` at `ts_ms` (already clamped against the future)
  // unless it is late for both windows at `now_ms`. Returns, per window in k_all_windows order,
  // whether it was late. `raw_filter` is the entry's filter/fields text: a field that
  // `wants_sample` asks for gets it, compacted, as its sample.
  std::array<bool, 2> add_event(std::string_view namespace_id, const decoded_event& event,
                                std::int64_t ts_ms, std::int64_t now_ms,
                                std::string_view raw_filter, const sample_wanted& wants_sample);

  void add_dead_letter(dead_letter_entry entry);

  bool empty() const noexcept { return ids_.empty(); }
  std::size_t entries() const noexcept { return ids_.size(); }
  std::uint64_t counted_events() const noexcept { return counted_events_; }
  // (namespace, bucket, path) counts held: what a commit's work grows with (k_commit_max_paths).
  std::size_t paths() const noexcept { return paths_; }
  // Events late for each window, found by our clock (the script finds the rest by Redis').
  const std::array<std::uint64_t, 2>& late_events() const noexcept { return late_events_; }
  const std::vector<dead_letter_entry>& dead_letters() const noexcept { return dead_letters_; }
  // (namespace id, path) of every sample the batch carries, to record once committed.
  std::vector<std::pair<std::string, std::string>> samples() const;

  // The pre-aggregated delta of one field (tests and diagnostics); nullptr when absent. Events
  // in the decision window are held in decision buckets only; analytics buckets hold the events
  // too old for the decision window.
  const field_delta* find(std::string_view namespace_id, window_kind window,
                          std::int64_t bucket_start_ms, std::string_view path) const;
  // Events of a namespace in one bucket (0 when absent).
  std::uint64_t namespace_events(std::string_view namespace_id, window_kind window,
                                 std::int64_t bucket_start_ms) const;

  // `held_elsewhere`: entries the consumer holds unacknowledged besides this batch (read ahead,
  // not yet processed), or -1 when it cannot tell; with a token it lets the script confirm
  // ownership by count (ingest/commit_script.hpp). `sums`: what this connection has counted in
  // each decision bucket so far; each decision bucket then carries its new sum too, so the script
  // can replace the stored one instead of adding to it (writer_sums.hpp).
  commit_request encode(const commit_target& target, std::int64_t held_elsewhere = -1,
                        const writer_sums* sums = nullptr) const;
  // Once this batch's commit applied: the decision buckets the script reports synced (0-based,
  // in encode order) take the batch's counts into `sums`, those it reports kept stay as they
  // are, and the others are forgotten there.
  void update_sums(writer_sums& sums, const std::vector<std::size_t>& synced,
                   const std::vector<std::size_t>& kept = {}) const;
  void clear();

 private:
  struct bucket_delta {
    std::int64_t start_ms = 0;
    std::uint64_t events = 0;
    field_map fields;
  };
  struct namespace_delta {
    // [0]: decision buckets (the commit folds them into the analytics window later);
    // [1]: analytics buckets of events too old for the decision window.
    std::array<std::vector<bucket_delta>, 2> windows;
    string_map<std::string> samples;  // path -> compact sample filter
  };

  static bucket_delta& bucket_for(std::vector<bucket_delta>& buckets, std::int64_t start_ms);
  // Each path of a namespace once, with when the last of its buckets in this batch leaves both
  // windows (unix ms): a decision bucket when it leaves the decision window or, once folded
  // into it, the analytics window; an analytics bucket when it leaves that.
  std::vector<std::pair<std::string_view, std::int64_t>> leave_times(
      const namespace_delta& ns) const;

  std::array<window_spec, 2> windows_;
  std::vector<stream_id> ids_;  // formatted only when encoded
  string_map<namespace_delta> namespaces_;
  std::vector<dead_letter_entry> dead_letters_;
  std::uint64_t counted_events_ = 0;
  std::size_t paths_ = 0;
  std::size_t sample_count_ = 0;
  std::array<std::uint64_t, 2> late_events_{};
};

}  // namespace index_optimizer
