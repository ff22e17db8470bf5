#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/index_type.hpp"
#include "filter_decoder/condition_kind.hpp"

namespace index_optimizer {

// One field an event filters on: its payload path (Qdrant's form, `nested` keys composed as
// `K[].k`), the index type read from the conditions (unknown when it cannot be read) and every
// kind of condition the event used it with.
struct field_observation {
  std::string path;
  index_type type = index_type::unknown;
  condition_kinds kinds = 0;

  friend bool operator==(const field_observation&, const field_observation&) = default;
};

// Adds an observation of `prefix + key`, merging it into an earlier observation of the same path
// so that an event counts each field once. Merge rule: kinds are OR-ed; the types combine with
// widen() (unknown gives way to a known type, integer+float -> float, keyword+uuid -> keyword) and
// when two known types have no common index the first one seen stays.
// `spare_paths`, when given, supplies the new observation's path string (its buffer reused), so a
// decoder that recycles its previous event's paths there allocates nothing per field.
void add_observation(std::vector<field_observation>& fields, std::string_view prefix,
                     std::string_view key, index_type type, condition_kinds kinds,
                     std::vector<std::string>* spare_paths = nullptr);

}  // namespace index_optimizer
