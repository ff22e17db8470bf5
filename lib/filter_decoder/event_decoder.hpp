#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "filter_decoder/condition_kind.hpp"
#include "filter_decoder/decode_limits.hpp"
#include "filter_decoder/decode_reason.hpp"
#include "filter_decoder/field_observation.hpp"
#include "filter_decoder/filter_dialect.hpp"

namespace index_optimizer {

// The fields one filter (or `fields` list) filters on, each once, in order of first appearance.
struct decoded_filter {
  filter_dialect dialect = filter_dialect::empty;
  std::vector<field_observation> fields;
};

// One filter-query event, ready to count. The contract is docs/events.md.
struct decoded_event {
  std::string namespace_ref;  // `ns_...` id or name, as sent; resolved by the consumer
  std::int64_t ts_ms = 0;     // `ts`, else the stream entry id's milliseconds
  std::optional<double> latency_ms;
  filter_dialect dialect = filter_dialect::empty;
  std::vector<field_observation> fields;
  // The `filter` (or `fields`) text without insignificant whitespace, at most
  // decode_limits::max_sample_bytes: evidence the optimizer keeps as "a sample filter".
  std::string sample_filter;
  bool sample_truncated = false;
};

// A stream entry's field/value pairs, in entry order.
using entry_field = std::pair<std::string_view, std::string_view>;

namespace json_tape {
class document;
}

// Decodes stream entries. It owns a JSON parser and the tree it builds (json_tape), which every
// decode reuses, so the steady state allocates nothing. Keep one per consumer thread; it is
// neither copyable nor movable.
class event_decoder {
 public:
  explicit event_decoder(const decode_limits& limits = {});
  event_decoder(const event_decoder&) = delete;
  event_decoder& operator=(const event_decoder&) = delete;
  ~event_decoder();

  // Decodes one entry into `out` (overwritten, its capacity reused). `entry_id_ms` is the
  // milliseconds part of the entry id, the event time when there is no `ts`. Returns the failure,
  // or nullopt on success; on failure `out` holds no meaningful value. Fields other than namespace,
  // filter, fields, ts and latency_ms are ignored, so producers may add their own.
  [[nodiscard]] std::optional<decode_failure> decode(std::span<const entry_field> entry,
                                                     std::int64_t entry_id_ms, decoded_event& out);

  // Decodes a filter (either dialect) or a `fields` list on its own.
  [[nodiscard]] std::optional<decode_failure> decode_filter(std::string_view filter_json,
                                                            decoded_filter& out);
  [[nodiscard]] std::optional<decode_failure> decode_fields(std::string_view fields_json,
                                                            decoded_filter& out);

  const decode_limits& limits() const noexcept { return limits_; }

 private:
  std::optional<decode_failure> decode_json(std::string_view json, bool is_field_list,
                                            filter_dialect& dialect,
                                            std::vector<field_observation>& fields);

  decode_limits limits_;
  std::unique_ptr<json_tape::document> document_;
  // The previous event's field path strings, whose buffers the next event's paths reuse.
  std::vector<std::string> spare_paths_;
};

// One-off conveniences over a temporary event_decoder (tests, tools); the consumer keeps an
// event_decoder instead, which is much faster.
std::variant<decoded_event, decode_failure> decode_event(std::span<const entry_field> entry,
                                                         std::int64_t entry_id_ms,
                                                         const decode_limits& limits = {});
std::variant<decoded_filter, decode_failure> decode_filter(std::string_view filter_json,
                                                           const decode_limits& limits = {});
std::variant<decoded_filter, decode_failure> decode_fields(std::string_view fields_json,
                                                           const decode_limits& limits = {});

}  // namespace index_optimizer
