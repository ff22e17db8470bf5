#pragma once

#include <optional>
#include <string_view>

namespace index_optimizer {

// Qdrant payload index types (PayloadSchemaType) plus `unknown` for fields whose type could not be
// read from an event (templates, dynamic values, exists/is_null conditions).
enum class index_type { unknown, keyword, integer, float_, bool_, geo, datetime, text, uuid };

// The wire name Qdrant and Mixpeek use ("keyword", "float", ...); "unknown" for unknown.
std::string_view to_string(index_type type) noexcept;

// Parses a wire name; nullopt for anything that is not one of the eight Qdrant types.
std::optional<index_type> parse_index_type(std::string_view name) noexcept;

}  // namespace index_optimizer
