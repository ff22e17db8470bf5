#include "window_store/window_stats.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdint>
#include <unordered_map>

#include "filter_decoder/value_types.hpp"
#include "window_store/bucket_log.hpp"

namespace index_optimizer {
namespace {

template <class T>
std::optional<T> parse_number(std::string_view text) noexcept {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string with_code(std::string_view code, std::string_view path) {
  std::string out;
  out.reserve(code.size() + 1 + path.size());
  out += code;
  out += ':';
  out += path;
  return out;
}

std::string with_indexed_code(char code, std::size_t index, std::string_view path) {
  std::string prefix(1, code);
  prefix += std::to_string(index);
  return with_code(prefix, path);
}

}  // namespace

std::size_t kind_slot(condition_kind kind) noexcept {
  return static_cast<std::size_t>(std::countr_zero(static_cast<unsigned>(bit(kind))));
}

std::uint64_t field_window_stats::votes(index_type type) const noexcept {
  return type_votes[static_cast<std::size_t>(type)];
}

index_type field_window_stats::majority_type() const noexcept {
  index_type best = index_type::unknown;
  std::uint64_t best_votes = 0;
  for (std::size_t slot = 1; slot < k_index_type_slots; ++slot) {
    const auto type = static_cast<index_type>(slot);
    const auto n = type_votes[slot];
    if (n == 0 || n < best_votes) continue;
    if (n > best_votes) {
      best = type;
      best_votes = n;
    } else if (const auto wider = widen(best, type); wider && *wider == type) {
      best = type;  // a tie: the index that serves both observations wins
    }
  }
  return best;
}

condition_kinds field_window_stats::kinds() const noexcept {
  condition_kinds out = 0;
  for (std::size_t slot = 0; slot < k_condition_kind_slots; ++slot) {
    if (kind_counts[slot] > 0) out |= bit(k_all_condition_kinds[slot]);
  }
  return out;
}

std::optional<double> field_window_stats::latency_avg_ms() const noexcept {
  if (latency_count == 0) return std::nullopt;
  return static_cast<double>(latency_sum_us) / 1000.0 / static_cast<double>(latency_count);
}

std::optional<double> field_window_stats::latency_p95_ms() const noexcept {
  return latency_quantile(latency_histogram, 0.95);
}

const field_window_stats* namespace_window_stats::find(std::string_view path) const noexcept {
  for (const auto& field : fields) {
    if (field.path == path) return &field;
  }
  return nullptr;
}

namespace window_hash {
std::string count(std::string_view path) {
  return with_code("c", path);
}
std::string type_vote(index_type type, std::string_view path) {
  return with_indexed_code('t', static_cast<std::size_t>(type), path);
}
std::string kind(std::size_t slot, std::string_view path) {
  return with_indexed_code('k', slot, path);
}
std::string latency_count(std::string_view path) {
  return with_code("ln", path);
}
std::string latency_sum(std::string_view path) {
  return with_code("lu", path);
}
std::string latency_bucket(std::size_t bucket, std::string_view path) {
  return with_indexed_code('h', bucket, path);
}
std::string first_seen(std::string_view path) {
  return with_code("fs", path);
}
std::string last_seen(std::string_view path) {
  return with_code("ls", path);
}
std::string sample(std::string_view path) {
  return with_code("sm", path);
}
}  // namespace window_hash

void window_totals_builder::add(
    const std::vector<std::pair<std::string_view, std::string_view>>& hash) {
  std::unordered_map<std::string_view, std::int64_t> last_seen_here;
  std::vector<std::pair<std::string_view, std::string_view>> samples;
  for (const auto& [name, value] : hash) {
    if (name == window_hash::events) {
      events_ += parse_number<std::uint64_t>(value).value_or(0);
      continue;
    }
    const auto colon = name.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    const std::string_view code = name.substr(0, colon);
    const std::string_view path = name.substr(colon + 1);
    if (code == "sm") {
      samples.emplace_back(path, value);
      continue;
    }
    const auto number = parse_number<std::int64_t>(value);
    if (!number) continue;
    auto& field = this->field(path);
    const auto n = static_cast<std::uint64_t>(std::max<std::int64_t>(*number, 0));
    const char head = code.front();
    // t<type>, k<kind slot>, h<latency bucket>: the number after the letter; past every valid
    // index when absent or malformed.
    const std::size_t index =
        code.size() > 1 ? parse_number<std::size_t>(code.substr(1)).value_or(SIZE_MAX) : SIZE_MAX;
    if (code == "c") {
      field.count += n;
    } else if (code == "ln") {
      field.latency_count += n;
    } else if (code == "lu") {
      field.latency_sum_us += n;
    } else if (code == "fs") {
      field.first_seen_ms =
          field.first_seen_ms == 0 ? *number : std::min(field.first_seen_ms, *number);
    } else if (code == "ls") {
      field.last_seen_ms = std::max(field.last_seen_ms, *number);
      last_seen_here[path] = *number;
    } else if (head == 't' && index > 0 && index < k_index_type_slots) {
      field.type_votes[index] += n;
    } else if (head == 'k' && index < k_condition_kind_slots) {
      field.kind_counts[index] += n;
    } else if (head == 'h' && index < k_latency_buckets) {
      field.latency_histogram[index] += n;
    }
  }
  for (const auto& [path, sample] : samples) {
    // The sample of the hash whose last_seen is newest wins when several streams saw the field
    // (a hash may hold a sample without the count: that is still in an unfolded bucket).
    const auto seen = last_seen_here.find(path);
    const std::int64_t seen_ms = seen == last_seen_here.end() ? 0 : seen->second;
    auto [it, inserted] = samples_.try_emplace(std::string(path), std::string(sample), seen_ms);
    if (!inserted && seen_ms >= it->second.second) it->second = {std::string(sample), seen_ms};
  }
}

field_window_stats& window_totals_builder::field(std::string_view path) {
  auto it = fields_.find(path);
  if (it == fields_.end()) {
    it = fields_.emplace(std::string(path), field_window_stats{}).first;
    it->second.path = std::string(path);
  }
  return it->second;
}

bool window_totals_builder::add_log(std::string_view sum) {
  bucket_log_reader reader(sum);
  if (!reader.ok()) return false;
  events_ += reader.events();
  std::string_view path;
  log_record record{};
  while (reader.next(path, record)) {
    auto& f = field(path);
    const auto at = [&record](std::size_t slot) {
      return static_cast<std::uint64_t>(std::max<std::int64_t>(record[slot], 0));
    };
    f.count += at(k_log_slot_count);
    const std::int64_t first = record[k_log_slot_first_seen];
    f.first_seen_ms = f.first_seen_ms == 0 ? first : std::min(f.first_seen_ms, first);
    f.last_seen_ms = std::max(f.last_seen_ms, record[k_log_slot_last_seen]);
    f.latency_count += at(k_log_slot_latency_count);
    f.latency_sum_us += at(k_log_slot_latency_sum);
    for (std::size_t slot = 1; slot < k_index_type_slots; ++slot)
      f.type_votes[slot] += at(k_log_slot_type_votes + slot - 1);
    for (std::size_t slot = 0; slot < k_condition_kind_slots; ++slot)
      f.kind_counts[slot] += at(k_log_slot_kind_counts + slot);
    for (std::size_t bucket = 0; bucket < k_latency_buckets; ++bucket)
      f.latency_histogram[bucket] += at(k_log_slot_latency_histogram + bucket);
  }
  return reader.ok();
}

namespace_window_stats window_totals_builder::build(std::string namespace_id,
                                                    const window_spec& window) && {
  namespace_window_stats out;
  out.namespace_id = std::move(namespace_id);
  out.window = window;
  out.events = events_;
  out.fields.reserve(fields_.size());
  for (auto& [path, field] : fields_) {
    // A field without a count is the remains of a hash being swept concurrently; not a field.
    if (field.count == 0) continue;
    if (const auto sample = samples_.find(path); sample != samples_.end()) {
      field.sample_filter = std::move(sample->second.first);
    }
    if (path == k_overflow_path) {
      out.overflow = std::move(field);
      continue;
    }
    out.fields.push_back(std::move(field));
  }
  std::sort(out.fields.begin(), out.fields.end(), [](const auto& a, const auto& b) {
    return a.count != b.count ? a.count > b.count : a.path < b.path;
  });
  return out;
}

}  // namespace index_optimizer
