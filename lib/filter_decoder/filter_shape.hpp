#pragma once

// Internal to filter_decoder: dialect detection and the `fields` list.

#include "filter_decoder/json_tape.hpp"

#include "filter_decoder/filter_dialect.hpp"
#include "filter_decoder/walk_context.hpp"

namespace index_optimizer::filter_walk {

// Detects the dialect from the top-level shape and walks the filter with it:
//  - not an object: unrecognised_filter;
//  - `{}`: empty;
//  - only must/should/must_not/min_should keys: Qdrant;
//  - some of those keys mixed with others: unrecognised_filter;
//  - a bare Qdrant condition ({"key", "match"...}, {"nested"...}, ...): unrecognised_filter,
//    because Qdrant only accepts a Filter at the top level;
//  - anything else: Mixpeek (AND/OR/NOT, a FilterCondition, shorthand keys).
[[nodiscard]] bool walk_filter(const json_tape::value& filter, walk_context& context,
                               filter_dialect& dialect);

// The `fields` form: an array of field names or {"field", "type"?, "kinds"?} objects.
[[nodiscard]] bool walk_field_list(const json_tape::value& fields, walk_context& context);

}  // namespace index_optimizer::filter_walk
