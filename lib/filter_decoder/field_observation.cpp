#include "filter_decoder/field_observation.hpp"

#include "filter_decoder/value_types.hpp"

namespace index_optimizer {
namespace {

bool same_path(std::string_view path, std::string_view prefix, std::string_view key) noexcept {
  return path.size() == prefix.size() + key.size() && path.starts_with(prefix) &&
         path.ends_with(key);
}

}  // namespace

void add_observation(std::vector<field_observation>& fields, std::string_view prefix,
                     std::string_view key, index_type type, condition_kinds kinds,
                     std::vector<std::string>* spare_paths) {
  // Linear search: events filter on a handful of fields, and max_conditions bounds the worst case.
  for (field_observation& seen : fields) {
    if (!same_path(seen.path, prefix, key)) continue;
    seen.kinds |= kinds;
    seen.type = widen(seen.type, type).value_or(seen.type);
    return;
  }
  field_observation& added = fields.emplace_back();
  if (spare_paths != nullptr && !spare_paths->empty()) {
    added.path = std::move(spare_paths->back());
    spare_paths->pop_back();
    added.path.clear();
  }
  added.path.reserve(prefix.size() + key.size());
  added.path.append(prefix).append(key);
  added.type = type;
  added.kinds = kinds;
}

}  // namespace index_optimizer
