#pragma once

#include <string_view>

namespace index_optimizer {

// Which form an event's filter came in; a label for metrics and evidence.
enum class filter_dialect {
  empty,       // `{}`: a filter with no conditions (valid in both dialects)
  qdrant,      // Qdrant's Filter
  mixpeek,     // Mixpeek's LogicalOperator / FilterCondition and shorthands
  field_list,  // the `fields` entry field instead of a filter
};

// "empty", "qdrant", "mixpeek", "field_list".
std::string_view to_string(filter_dialect dialect) noexcept;

}  // namespace index_optimizer
