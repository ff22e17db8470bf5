// Fuzz target: one Redis stream entry through event_decoder::decode, the consumer's hot path.
// Input: one `name=value` line per entry field (namespace, filter, fields, ts, latency_ms or any
// other name); the value runs to the end of the line.

#include <cstdint>
#include <memory>
#include <string_view>
#include <variant>
#include <vector>

#include "filter_decoder/event_decoder.hpp"
#include "filter_invariants.hpp"
#include "fuzz_entry_points.hpp"
#include "text/utf8_text.hpp"

namespace index_optimizer::fuzz {
namespace {

constexpr std::int64_t k_entry_id_ms = 1718000000000;

std::vector<entry_field> split_entry(std::string_view text) {
  std::vector<entry_field> entry;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    const auto line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      entry.emplace_back(line, std::string_view());
    } else {
      entry.emplace_back(line.substr(0, eq), line.substr(eq + 1));
    }
  }
  return entry;
}

bool same_event(const decoded_event& a, const decoded_event& b) {
  return a.namespace_ref == b.namespace_ref && a.ts_ms == b.ts_ms && a.latency_ms == b.latency_ms &&
         a.dialect == b.dialect && a.fields == b.fields;
}

// Where the filter or fields value is, for the sample check.
std::string_view filter_text(const std::vector<entry_field>& entry) {
  for (const auto& [name, value] : entry) {
    if (name == "filter" || name == "fields") return value;
  }
  return {};
}

void check_success(const decoded_event& event, const std::vector<entry_field>& entry,
                   const decode_limits& limits) {
  require(!event.namespace_ref.empty() && event.namespace_ref.size() <= limits.max_namespace_bytes,
          "namespace outside 1..max_namespace_bytes");
  require(!has_control_character(event.namespace_ref), "namespace with a control character");
  require(event.ts_ms >= 0, "negative event time");
  require(!event.latency_ms || *event.latency_ms >= 0, "negative latency");
  check_fields(event.fields, limits, event.dialect);
  check_sample(filter_text(entry), event.sample_filter, event.sample_truncated,
               limits.max_sample_bytes);
}

}  // namespace

void filter_entry(input data) {
  // The decoders live across inputs, as the consumer's does across entries: state left over from
  // one decode must not change the next.
  static const auto decoder = std::make_unique<event_decoder>();
  static const auto small_decoder = std::make_unique<event_decoder>(small_limits());

  const auto entry = split_entry(as_text(data));
  bool utf8 = true;
  for (const auto& [name, value] : entry)
    utf8 = utf8 && is_valid_utf8(value);

  decoded_event event;
  const auto failed = decoder->decode(entry, k_entry_id_ms, event);
  const auto once = decode_event(entry, k_entry_id_ms);
  if (failed) {
    check_failure(*failed, once, utf8);
  } else {
    check_success(event, entry, decoder->limits());
    require(std::holds_alternative<decoded_event>(once) &&
                same_event(std::get<decoded_event>(once), event) &&
                std::get<decoded_event>(once).sample_filter == event.sample_filter,
            "a reused decoder and a fresh one disagree (success)");
  }

  decoded_event small;
  if (const auto small_failed = small_decoder->decode(entry, k_entry_id_ms, small)) {
    check_failure(*small_failed, utf8);
    return;
  }
  check_success(small, entry, small_decoder->limits());
  require(!failed && same_event(small, event),
          "an entry within the small limits decodes differently under the defaults");
  require(event.sample_filter.starts_with(small.sample_filter),
          "the shorter sample is not a prefix of the longer one");
}

}  // namespace index_optimizer::fuzz

INDEX_OPTIMIZER_FUZZ_TARGET(filter_entry)
