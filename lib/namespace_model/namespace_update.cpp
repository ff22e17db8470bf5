#include "namespace_model/namespace_update.hpp"

#include <algorithm>
#include <utility>

namespace index_optimizer {
namespace {

// Stamps updated_at only when the update changed something.
namespace_model stamped(const namespace_model& current, namespace_model next,
                        std::chrono::system_clock::time_point now) {
  next.updated_at = current.updated_at;
  if (!(next == current)) next.updated_at = now;
  return next;
}

const payload_index_config* find(const std::vector<payload_index_config>& list,
                                 std::string_view field_name) {
  const auto it = std::find_if(list.begin(), list.end(),
                               [&](const auto& index) { return index.field_name == field_name; });
  return it == list.end() ? nullptr : &*it;
}

}  // namespace

namespace_update_result apply_patch(const namespace_model& current,
                                    const patch_namespace_request& patch,
                                    std::chrono::system_clock::time_point now) {
  namespace_model next = current;
  if (patch.namespace_name) next.namespace_name = *patch.namespace_name;
  if (patch.description) next.description = *patch.description;
  if (patch.auto_create_indexes) next.auto_create_indexes = *patch.auto_create_indexes;
  if (patch.infrastructure) {
    namespace_infrastructure infrastructure = *patch.infrastructure;
    if (!infrastructure.qdrant_api_key && current.infrastructure) {
      infrastructure.qdrant_api_key = current.infrastructure->qdrant_api_key;
    }
    next.infrastructure = std::move(infrastructure);
  }
  if (patch.payload_indexes) {
    auto merged = merge_payload_indexes(current.payload_indexes, *patch.payload_indexes);
    if (auto* violation = std::get_if<protected_index_violation>(&merged)) return *violation;
    next.payload_indexes = std::get<std::vector<payload_index_config>>(std::move(merged));
  }
  return stamped(current, std::move(next), now);
}

namespace_update_result apply_put(const namespace_model& current,
                                  const update_namespace_request& put,
                                  std::chrono::system_clock::time_point now) {
  namespace_model next = current;
  if (put.namespace_name) next.namespace_name = *put.namespace_name;
  auto merged = merge_payload_indexes(
      current.payload_indexes, put.payload_indexes.value_or(std::vector<payload_index_config>{}));
  if (auto* violation = std::get_if<protected_index_violation>(&merged)) return *violation;
  next.payload_indexes = std::get<std::vector<payload_index_config>>(std::move(merged));
  return stamped(current, std::move(next), now);
}

namespace_update_result new_namespace(const create_namespace_request& request,
                                      std::string namespace_id,
                                      std::chrono::system_clock::time_point now,
                                      const std::vector<payload_index_config>& protected_indexes) {
  auto merged = merge_payload_indexes(
      protected_indexes, request.payload_indexes.value_or(std::vector<payload_index_config>{}));
  if (auto* violation = std::get_if<protected_index_violation>(&merged)) return *violation;
  namespace_model model;
  model.namespace_id = std::move(namespace_id);
  model.namespace_name = request.namespace_name;
  model.type = request.type;
  model.infrastructure = request.infrastructure;
  model.description = request.description;
  model.feature_extractors = request.feature_extractors;
  model.payload_indexes = std::get<std::vector<payload_index_config>>(std::move(merged));
  model.auto_create_indexes = request.auto_create_indexes;
  model.created_at = now;
  model.updated_at = now;
  return model;
}

namespace_model with_auto_created_index(const namespace_model& current, payload_index_config index,
                                        auto_created_info info,
                                        std::chrono::system_clock::time_point now) {
  if (find(current.payload_indexes, index.field_name) != nullptr) return current;
  namespace_model next = current;
  index.is_protected = false;
  index.auto_created = info;
  next.payload_indexes.push_back(std::move(index));
  next.updated_at = now;
  return next;
}

index_diff diff_indexes(const std::vector<payload_index_config>& old_list,
                        const std::vector<payload_index_config>& new_list) {
  index_diff diff;
  for (const auto& index : new_list) {
    const auto* before = find(old_list, index.field_name);
    if (before == nullptr) {
      diff.to_create.push_back(index);
    } else if (!same_index_definition(*before, index)) {
      diff.to_recreate.push_back(index);
    }
  }
  for (const auto& index : old_list) {
    if (find(new_list, index.field_name) == nullptr) diff.to_delete.push_back(index);
  }
  return diff;
}

}  // namespace index_optimizer
