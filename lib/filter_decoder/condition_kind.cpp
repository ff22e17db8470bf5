#include "filter_decoder/condition_kind.hpp"

namespace index_optimizer {

std::string_view to_string(condition_kind kind) noexcept {
  switch (kind) {
    case condition_kind::match:
      return "match";
    case condition_kind::any:
      return "any";
    case condition_kind::range:
      return "range";
    case condition_kind::text:
      return "text";
    case condition_kind::phrase:
      return "phrase";
    case condition_kind::prefix:
      return "prefix";
    case condition_kind::geo:
      return "geo";
    case condition_kind::values_count:
      return "values_count";
    case condition_kind::is_empty:
      return "is_empty";
    case condition_kind::is_null:
      return "is_null";
    case condition_kind::exists:
      return "exists";
    case condition_kind::pattern:
      return "pattern";
  }
  return "unknown";
}

std::optional<condition_kind> parse_condition_kind(std::string_view name) noexcept {
  for (const condition_kind kind : k_all_condition_kinds) {
    if (to_string(kind) == name) return kind;
  }
  return std::nullopt;
}

std::string format_condition_kinds(condition_kinds kinds) {
  std::string out;
  for (const condition_kind kind : k_all_condition_kinds) {
    if (!has_kind(kinds, kind)) continue;
    if (!out.empty()) out += ',';
    out += to_string(kind);
  }
  return out;
}

}  // namespace index_optimizer
