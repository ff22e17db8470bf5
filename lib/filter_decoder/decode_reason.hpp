#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace index_optimizer {

// Why a stream entry could not be counted. The snake_case names (to_string) are a contract: they
// are metric label values and the `reason` of dead-lettered entries, so never rename one; add new
// reasons at the end. docs/events.md explains each.
enum class decode_reason {
  missing_namespace,       // no `namespace` field, or an empty one
  invalid_namespace,       // `namespace` too long or containing control characters
  unknown_namespace,       // resolved by the consumer, not the decoder; here so there is one list
  duplicate_entry_field,   // a contract field (namespace, filter, ...) appears twice in the entry
  missing_filter,          // neither `filter` nor `fields`
  both_filter_and_fields,  // both `filter` and `fields`: which one counts would be a guess
  invalid_timestamp,       // `ts` is not a non-negative integer of unix milliseconds
  invalid_latency,         // `latency_ms` is not a finite non-negative number
  too_large,               // `filter`/`fields` value longer than decode_limits::max_value_bytes
  too_deep,                // JSON nesting deeper than decode_limits::max_depth
  invalid_json,            // `filter`/`fields` is not valid JSON (or not valid UTF-8)
  unrecognised_filter,     // the filter's top-level shape is neither dialect
  invalid_filter,          // recognised dialect, but a part of it breaks that dialect's schema
  too_many_conditions,     // more conditions than decode_limits::max_conditions
  invalid_field,           // a field path (empty, too long, control characters) or a bad
                           // entry in `fields`
};

inline constexpr std::array<decode_reason, 15> k_all_decode_reasons{
    decode_reason::missing_namespace, decode_reason::invalid_namespace,
    decode_reason::unknown_namespace, decode_reason::duplicate_entry_field,
    decode_reason::missing_filter,    decode_reason::both_filter_and_fields,
    decode_reason::invalid_timestamp, decode_reason::invalid_latency,
    decode_reason::too_large,         decode_reason::too_deep,
    decode_reason::invalid_json,      decode_reason::unrecognised_filter,
    decode_reason::invalid_filter,    decode_reason::too_many_conditions,
    decode_reason::invalid_field,
};

std::string_view to_string(decode_reason reason) noexcept;

// Parses a name produced by to_string (e.g. when reading the dead-letter stream back).
std::optional<decode_reason> parse_decode_reason(std::string_view name) noexcept;

// A decode error: the machine reason and a message that tells the producer what to fix.
struct decode_failure {
  decode_reason reason;
  std::string message;

  friend bool operator==(const decode_failure&, const decode_failure&) = default;
};

}  // namespace index_optimizer
