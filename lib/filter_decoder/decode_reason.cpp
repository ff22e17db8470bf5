#include "filter_decoder/decode_reason.hpp"

namespace index_optimizer {

std::string_view to_string(decode_reason reason) noexcept {
  switch (reason) {
    case decode_reason::missing_namespace:
      return "missing_namespace";
    case decode_reason::invalid_namespace:
      return "invalid_namespace";
    case decode_reason::unknown_namespace:
      return "unknown_namespace";
    case decode_reason::duplicate_entry_field:
      return "duplicate_entry_field";
    case decode_reason::missing_filter:
      return "missing_filter";
    case decode_reason::both_filter_and_fields:
      return "both_filter_and_fields";
    case decode_reason::invalid_timestamp:
      return "invalid_timestamp";
    case decode_reason::invalid_latency:
      return "invalid_latency";
    case decode_reason::too_large:
      return "too_large";
    case decode_reason::too_deep:
      return "too_deep";
    case decode_reason::invalid_json:
      return "invalid_json";
    case decode_reason::unrecognised_filter:
      return "unrecognised_filter";
    case decode_reason::invalid_filter:
      return "invalid_filter";
    case decode_reason::too_many_conditions:
      return "too_many_conditions";
    case decode_reason::invalid_field:
      return "invalid_field";
  }
  return "unknown";
}

std::optional<decode_reason> parse_decode_reason(std::string_view name) noexcept {
  for (const decode_reason reason : k_all_decode_reasons) {
    if (to_string(reason) == name) return reason;
  }
  return std::nullopt;
}

}  // namespace index_optimizer
