#pragma once

// Internal to filter_decoder: the Mixpeek filter dialect (schemas LogicalOperator-Input,
// FilterCondition, FilterOperator, DynamicValue in mixpeek-namespaces.openapi.json, plus the
// shorthands in reference/NOTES.md).

#include "filter_decoder/json_tape.hpp"

#include "filter_decoder/walk_context.hpp"

namespace index_optimizer::filter_walk {

// Walks a Mixpeek LogicalOperator (AND/OR/NOT, shorthand keys) or a bare FilterCondition.
[[nodiscard]] bool walk_mixpeek_filter(const json_tape::object& filter, walk_context& context);

}  // namespace index_optimizer::filter_walk
