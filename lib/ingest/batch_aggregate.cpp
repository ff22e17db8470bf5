#include "ingest/batch_aggregate.hpp"

#include <algorithm>
#include <bit>

#include "filter_decoder/json_sample.hpp"
#include "window_store/bucket_log.hpp"
#include "window_store/window_keys.hpp"

namespace index_optimizer {
namespace {

// A sample is evidence for an operator, not a replay: 2 KiB shows any realistic filter.
constexpr std::size_t k_sample_bytes = 2048;

// ARGV[4] of the commit script, 0-based here: the pending count the consumer expects.
constexpr std::size_t k_held_arg = 3;

void add_observation(field_delta& delta, const field_observation& field, const decoded_event& event,
                     std::int64_t ts_ms) {
  ++delta.count;
  if (field.type != index_type::unknown) ++delta.type_votes[static_cast<std::size_t>(field.type)];
  for (unsigned kinds = field.kinds; kinds != 0; kinds &= kinds - 1) {
    const auto slot = static_cast<std::size_t>(std::countr_zero(kinds));
    if (slot < k_condition_kind_slots) ++delta.kind_counts[slot];
  }
  if (event.latency_ms) {
    ++delta.latency_count;
    delta.latency_sum_us += static_cast<std::uint64_t>(latency_micros(*event.latency_ms));
    ++delta.latency_histogram[latency_bucket(*event.latency_ms)];
  }
  delta.first_seen_ms = std::min(delta.first_seen_ms, ts_ms);
  delta.last_seen_ms = std::max(delta.last_seen_ms, ts_ms);
}

}  // namespace

batch_aggregate::batch_aggregate(const std::array<window_spec, 2>& windows) : windows_(windows) {}

void batch_aggregate::add_entry(const stream_id& id) {
  ids_.push_back(id);
}

bool batch_aggregate::holds_entry(const stream_id& id) const noexcept {
  return std::find(ids_.begin(), ids_.end(), id) != ids_.end();
}

batch_aggregate::bucket_delta& batch_aggregate::bucket_for(std::vector<bucket_delta>& buckets,
                                                           std::int64_t start_ms) {
  // A batch spans a bucket or two: a linear scan beats any map.
  for (auto& bucket : buckets) {
    if (bucket.start_ms == start_ms) return bucket;
  }
  buckets.emplace_back().start_ms = start_ms;
  return buckets.back();
}

std::array<bool, 2> batch_aggregate::add_event(std::string_view namespace_id,
                                               const decoded_event& event, std::int64_t ts_ms,
                                               std::int64_t now_ms, std::string_view raw_filter,
                                               const sample_wanted& wants_sample) {
  const std::array<bool, 2> late{windows_[0].is_late(ts_ms, now_ms),
                                 windows_[1].is_late(ts_ms, now_ms)};
  for (std::size_t w = 0; w < late.size(); ++w) {
    if (late[w]) ++late_events_[w];
  }
  // An event counts in its decision bucket (the commit script folds that into the analytics
  // window later), or, when it is too old for the decision window, straight in its analytics
  // bucket.
  const std::size_t w = !late[0] ? 0 : (!late[1] ? 1 : 2);
  if (w == 2) return late;
  auto ns = namespaces_.find(namespace_id);
  if (ns == namespaces_.end()) ns = namespaces_.emplace(namespace_id, namespace_delta{}).first;
  auto& bucket = bucket_for(ns->second.windows[w], windows_[w].bucket_start(ts_ms));
  ++bucket.events;
  for (const auto& field : event.fields) {
    auto it = bucket.fields.find(field.path);
    if (it == bucket.fields.end()) {
      it = bucket.fields.emplace(field.path, field_delta{}).first;
      ++paths_;
      // A field new to this bucket is the moment to consider a sample: once per field and bucket
      // rather than per event.
      auto& samples = ns->second.samples;
      if (!raw_filter.empty() && sample_count_ < k_commit_max_samples &&
          !samples.contains(field.path) && wants_sample && wants_sample(namespace_id, field.path)) {
        compact_json_sample(raw_filter, k_sample_bytes, samples[field.path]);
        ++sample_count_;
      }
    }
    add_observation(it->second, field, event, ts_ms);
  }
  ++counted_events_;
  return late;
}

std::vector<std::pair<std::string_view, std::int64_t>> batch_aggregate::leave_times(
    const namespace_delta& ns) const {
  string_map<std::int64_t> leaves;
  const auto& [decision, analytics] = windows_;
  for (std::size_t w = 0; w < ns.windows.size(); ++w) {
    for (const auto& bucket : ns.windows[w]) {
      const std::int64_t start_a = analytics.bucket_start(bucket.start_ms);
      const std::int64_t leave =
          w == 0 ? std::max(bucket.start_ms + decision.length_ms, start_a + analytics.length_ms)
                 : bucket.start_ms + analytics.length_ms;
      for (const auto& [path, delta] : bucket.fields) {
        auto [it, inserted] = leaves.try_emplace(path, leave);
        if (!inserted) it->second = std::max(it->second, leave);
      }
    }
  }
  std::vector<std::pair<std::string_view, std::int64_t>> out;
  out.reserve(leaves.size());
  for (const auto& ns_bucket : ns.windows) {
    for (const auto& bucket : ns_bucket) {
      for (const auto& [path, delta] : bucket.fields) {
        const auto found = leaves.find(path);
        if (found == leaves.end()) continue;  // listed already
        out.emplace_back(path, found->second);
        leaves.erase(found);
      }
    }
  }
  return out;
}

void batch_aggregate::add_dead_letter(dead_letter_entry entry) {
  if (entry.fields.size() > k_dead_letter_max_fields) entry.fields.resize(k_dead_letter_max_fields);
  dead_letters_.push_back(std::move(entry));
}

std::vector<std::pair<std::string, std::string>> batch_aggregate::samples() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [namespace_id, ns] : namespaces_) {
    for (const auto& [path, sample] : ns.samples)
      out.emplace_back(namespace_id, path);
  }
  return out;
}

const field_delta* batch_aggregate::find(std::string_view namespace_id, window_kind window,
                                         std::int64_t bucket_start_ms,
                                         std::string_view path) const {
  const auto ns = namespaces_.find(namespace_id);
  if (ns == namespaces_.end()) return nullptr;
  for (const auto& bucket : ns->second.windows[static_cast<std::size_t>(window)]) {
    if (bucket.start_ms != bucket_start_ms) continue;
    const auto field = bucket.fields.find(path);
    return field == bucket.fields.end() ? nullptr : &field->second;
  }
  return nullptr;
}

std::uint64_t batch_aggregate::namespace_events(std::string_view namespace_id, window_kind window,
                                                std::int64_t bucket_start_ms) const {
  const auto ns = namespaces_.find(namespace_id);
  if (ns == namespaces_.end()) return 0;
  for (const auto& bucket : ns->second.windows[static_cast<std::size_t>(window)]) {
    if (bucket.start_ms == bucket_start_ms) return bucket.events;
  }
  return 0;
}

void set_held_elsewhere(commit_request& request, std::int64_t held_elsewhere) {
  request.args.at(k_held_arg) =
      std::to_string(held_elsewhere < 0 ? -1 : held_elsewhere + request.batch_ids);
}

commit_request batch_aggregate::encode(const commit_target& target, std::int64_t held_elsewhere,
                                       const writer_sums* sums) const {
  commit_request request;
  auto& keys = request.keys;
  auto& args = request.args;
  // Keys are referenced from ARGV by their 1-based Lua index.
  auto key_index = [&keys](std::string key) {
    keys.push_back(std::move(key));
    return std::to_string(keys.size());
  };
  const window_keys decision(target.key_prefix, target.stream, window_kind::decision);
  const window_keys analytics(target.key_prefix, target.stream, window_kind::analytics);
  keys = {target.stream,       target.dead_letter_stream,
          decision.unfolded(), decision.due(),
          analytics.due(),     consumer_tokens_key(target.key_prefix, target.stream)};

  // Ascending and distinct: the script confirms them by walking XPENDING's ordered list.
  std::vector<stream_id> ids = ids_;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  args.reserve(8 + ids.size() + 64);
  args.push_back(target.group);
  args.push_back(target.consumer);
  args.push_back(target.consumer_token);
  request.batch_ids = static_cast<std::int64_t>(ids.size());
  args.emplace_back();  // k_held_arg
  set_held_elsewhere(request, held_elsewhere);
  args.push_back(ids.empty() ? std::string("0-0") : to_string(ids.front()));
  args.push_back(ids.empty() ? std::string("0-0") : to_string(ids.back()));
  args.push_back(std::to_string(ids.size()));
  for (const auto& id : ids)
    args.push_back(to_string(id));

  args.push_back(std::to_string(target.dead_letter_max_length));
  args.push_back(std::to_string(dead_letters_.size()));
  for (const auto& dead : dead_letters_) {
    // Each dead letter: its number of strings, then the strings (ingest/dead_letter.hpp).
    const auto count_at = args.size();
    args.emplace_back();
    append_dead_letter_fields(dead, target.stream, args);
    args[count_at] = std::to_string(args.size() - count_at - 1);
  }

  for (const auto& window : windows_) {
    args.push_back(std::to_string(window.bucket_ms));
    args.push_back(std::to_string(window.length_ms));
  }
  args.push_back(std::to_string(target.max_fields_per_namespace));
  // A bucket's counts: its events, then one bucket log entry holding every field.
  auto append_delta = [&args](const bucket_delta& bucket) {
    args.push_back(std::to_string(bucket.events));
    bucket_log_writer writer(bucket.events, bucket.fields.size());
    for (const auto& [path, delta] : bucket.fields)
      writer.add(path, to_log_record(delta));
    args.push_back(writer.take());
  };
  // A decision bucket's writer sum: the version it builds on and the sum with this batch (every
  // path of either), or version 0 and no sum when the caller keeps none.
  auto append_sum = [&args, sums](std::string_view namespace_id, const bucket_delta& bucket) {
    if (sums == nullptr) {
      args.emplace_back("0");
      args.emplace_back();
      return;
    }
    const auto* held = sums->find(namespace_id, bucket.start_ms);
    args.push_back(std::to_string(held == nullptr ? 0 : held->version));
    std::size_t paths = bucket.fields.size();
    if (held != nullptr) {
      for (const auto& [path, sum] : held->fields)
        paths += bucket.fields.contains(path) ? 0 : 1;
    }
    bucket_log_writer writer(bucket.events + (held == nullptr ? 0 : held->events), paths);
    for (const auto& [path, delta] : bucket.fields) {
      const field_delta* before = nullptr;
      if (held != nullptr) {
        const auto found = held->fields.find(path);
        if (found != held->fields.end()) before = &found->second;
      }
      if (before == nullptr) {
        writer.add(path, to_log_record(delta));
        continue;
      }
      field_delta sum = *before;
      combine(sum, delta);
      writer.add(path, to_log_record(sum));
    }
    if (held != nullptr) {
      for (const auto& [path, sum] : held->fields) {
        if (!bucket.fields.contains(path)) writer.add(path, to_log_record(sum));
      }
    }
    args.push_back(writer.take());
  };
  args.push_back(std::to_string(namespaces_.size()));
  for (const auto& [namespace_id, ns] : namespaces_) {
    args.push_back(namespace_id);
    args.push_back(key_index(decision.totals(namespace_id)));
    args.push_back(key_index(analytics.totals(namespace_id)));
    args.push_back(key_index(decision.unfolded(namespace_id)));
    args.push_back(key_index(decision.namespace_buckets(namespace_id)));
    args.push_back(key_index(analytics.namespace_buckets(namespace_id)));
    args.push_back(key_index(field_registry_key(target.key_prefix, target.stream, namespace_id)));
    // Every path once, with the time the last of its buckets here leaves both windows: its
    // score in the field registry.
    const auto leaves = leave_times(ns);
    args.push_back(std::to_string(leaves.size()));
    for (const auto& [path, leave_ms] : leaves) {
      args.emplace_back(path);
      args.push_back(std::to_string(leave_ms));
    }
    args.push_back(std::to_string(ns.windows[0].size()));
    for (const auto& bucket : ns.windows[0]) {
      const std::string start = std::to_string(bucket.start_ms);
      const std::string start_a = std::to_string(windows_[1].bucket_start(bucket.start_ms));
      args.push_back(start);
      args.push_back(key_index(decision.bucket(namespace_id, start)));
      args.push_back(key_index(decision.bucket_log(namespace_id, start)));
      args.push_back(start_a);
      args.push_back(key_index(analytics.bucket(namespace_id, start_a)));
      append_delta(bucket);
      append_sum(namespace_id, bucket);
    }
    args.push_back(std::to_string(ns.windows[1].size()));
    for (const auto& bucket : ns.windows[1]) {
      const std::string start = std::to_string(bucket.start_ms);
      args.push_back(start);
      args.push_back(key_index(analytics.bucket(namespace_id, start)));
      append_delta(bucket);
    }
    args.push_back(std::to_string(ns.samples.size()));
    for (const auto& [path, sample] : ns.samples) {
      args.push_back(path);
      args.push_back(sample);
      // The buckets holding the path: its sample is kept in a window only if they reached it.
      const std::size_t count_at = args.size();
      args.emplace_back();
      std::size_t ordinal = 0;
      std::size_t holding = 0;
      for (const auto& buckets : ns.windows) {
        for (const auto& bucket : buckets) {
          ++ordinal;
          if (!bucket.fields.contains(path)) continue;
          args.push_back(std::to_string(ordinal));
          ++holding;
        }
      }
      args[count_at] = std::to_string(holding);
    }
  }
  return request;
}

void batch_aggregate::update_sums(writer_sums& sums, const std::vector<std::size_t>& synced,
                                  const std::vector<std::size_t>& kept) const {
  const auto listed = [](const std::vector<std::size_t>& list, std::size_t ordinal) {
    return std::find(list.begin(), list.end(), ordinal) != list.end();
  };
  // The same order as encode() numbered the decision buckets in.
  std::size_t ordinal = 0;
  for (const auto& [namespace_id, ns] : namespaces_) {
    for (const auto& bucket : ns.windows[0]) {
      if (listed(synced, ordinal)) {
        sums.add(namespace_id, bucket.start_ms, bucket.events, bucket.fields);
      } else if (!listed(kept, ordinal)) {
        sums.forget(namespace_id, bucket.start_ms);
      }
      ++ordinal;
    }
  }
}

void batch_aggregate::clear() {
  ids_.clear();
  namespaces_.clear();
  dead_letters_.clear();
  counted_events_ = 0;
  paths_ = 0;
  sample_count_ = 0;
  late_events_ = {};
}

}  // namespace index_optimizer
