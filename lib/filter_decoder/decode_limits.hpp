#pragma once

#include <cstddef>

namespace index_optimizer {

// Bounds on what one event may cost to decode. A producer bug (or an attacker able to XADD) must
// not make one entry take unbounded memory or time; entries beyond a bound are dead-lettered.
struct decode_limits {
  // Length of the `filter` or `fields` value, in bytes.
  std::size_t max_value_bytes = 64 * 1024;
  // Nesting depth of JSON arrays and objects (Boost.JSON's parse_options::max_depth). A three-level
  // nested Qdrant filter with `match.any` is about 12 deep.
  std::size_t max_depth = 32;
  // Conditions in one filter: every Qdrant condition (including nested filters and `nested`),
  // every Mixpeek comparison (FilterCondition, shorthand key, operator of an operator dict) and
  // AND/OR/NOT group, every `fields` entry.
  std::size_t max_conditions = 256;
  // Length of a field path in bytes, after composing `nested` keys (Mixpeek's PayloadIndexConfig
  // caps field_name at 255 characters).
  std::size_t max_field_path = 255;
  // Length of the `namespace` value in bytes.
  std::size_t max_namespace_bytes = 255;
  // Length of the compact filter sample kept per event as evidence; 0 keeps none (the consumer can
  // then call compact_json_sample itself for the few events whose sample it stores).
  std::size_t max_sample_bytes = 2048;
};

}  // namespace index_optimizer
