#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace index_optimizer {

// The kinds of condition a field was filtered with. The optimizer picks index parameters from
// them: an integer field only matched (never ranged) gets `lookup` without `range`, a text field
// with `phrase` gets `phrase_matching`, a keyword field with `prefix` gets `prefix: true`.
// The values are bits so that one event (and one window) can hold several kinds per field.
enum class condition_kind : std::uint16_t {
  match = 1,           // exact value: Qdrant match.value, Mixpeek eq/ne
  any = 2,             // set membership: Qdrant match.any/except, Mixpeek in/nin
  range = 4,           // Qdrant range, Mixpeek gt/gte/lt/lte
  text = 8,            // full text: Qdrant match.text/text_any, Mixpeek text/contains
  phrase = 16,         // Qdrant match.phrase
  prefix = 32,         // Qdrant match.prefix, Mixpeek starts_with
  geo = 64,            // Qdrant geo_bounding_box/geo_radius/geo_polygon
  values_count = 128,  // Qdrant values_count
  is_empty = 256,      // Qdrant is_empty
  is_null = 512,       // Qdrant is_null, Mixpeek is_null
  exists = 1024,       // Mixpeek exists
  pattern = 2048,      // Mixpeek ends_with/regex: no Qdrant index serves them
};

// A set of condition_kind bits.
using condition_kinds = std::uint16_t;

inline constexpr std::array<condition_kind, 12> k_all_condition_kinds{
    condition_kind::match,   condition_kind::any,          condition_kind::range,
    condition_kind::text,    condition_kind::phrase,       condition_kind::prefix,
    condition_kind::geo,     condition_kind::values_count, condition_kind::is_empty,
    condition_kind::is_null, condition_kind::exists,       condition_kind::pattern,
};

constexpr condition_kinds bit(condition_kind kind) noexcept {
  return static_cast<condition_kinds>(kind);
}

constexpr bool has_kind(condition_kinds kinds, condition_kind kind) noexcept {
  return (kinds & bit(kind)) != 0;
}

// Stable snake_case name ("match", "values_count", ...), used in the `fields` event form, in
// optimizer evidence and in logs.
std::string_view to_string(condition_kind kind) noexcept;

// Parses a name produced by to_string; nullopt for anything else.
std::optional<condition_kind> parse_condition_kind(std::string_view name) noexcept;

// The set as names joined by ',' in bit order, e.g. "match,range"; empty for no kinds.
std::string format_condition_kinds(condition_kinds kinds);

}  // namespace index_optimizer
