#pragma once

// Internal to filter_decoder: the Qdrant filter dialect (schemas Filter, Condition, FieldCondition,
// Match*, RangeInterface, Nested, MinShould in qdrant-1.19.openapi.json).

#include "filter_decoder/json_tape.hpp"

#include "filter_decoder/walk_context.hpp"

namespace index_optimizer::filter_walk {

// True for the Filter keys: must, should, must_not, min_should.
bool is_qdrant_filter_key(std::string_view key) noexcept;

// True when `object` is shaped like a Qdrant condition standing alone (`{"key", "match"...}`,
// `{"nested": ...}`, `{"is_empty": {"key"}}`, `{"has_id": [...]}`, ...). Qdrant only accepts a
// Filter at the top level; this lets the decoder say so instead of misreading it as Mixpeek.
bool looks_like_bare_qdrant_condition(const json_tape::object& object) noexcept;

// Walks a Qdrant Filter, observing every field its conditions test.
[[nodiscard]] bool walk_qdrant_filter(const json_tape::object& filter, walk_context& context);

}  // namespace index_optimizer::filter_walk
