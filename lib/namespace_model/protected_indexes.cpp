#include "namespace_model/protected_indexes.hpp"

#include "base/validation_error.hpp"

#include <algorithm>

namespace index_optimizer {
namespace {

const payload_index_config* find(const std::vector<payload_index_config>& list,
                                 std::string_view field_name) {
  const auto it = std::find_if(list.begin(), list.end(),
                               [&](const auto& index) { return index.field_name == field_name; });
  return it == list.end() ? nullptr : &*it;
}

// Why `requested` is not an identical repeat of the protected `existing` (empty when it is).
std::string change_to_protected(const payload_index_config& existing,
                                const payload_index_config& requested) {
  if (existing.type != requested.type) {
    return "protected index type cannot change from " + std::string(to_string(existing.type)) +
           " to " + std::string(to_string(requested.type));
  }
  if (!same_index_definition(existing, requested)) {
    return "protected index field_schema cannot change";
  }
  if (existing.is_protected != requested.is_protected) {
    return existing.is_protected ? "is_protected cannot be cleared on a protected index"
                                 : "is_protected can only be set by the system";
  }
  return {};
}

}  // namespace

bool is_system_field(std::string_view field_name) noexcept {
  if (field_name == "_internal" || field_name.starts_with("_internal.")) return true;
  return std::find(k_system_fields.begin(), k_system_fields.end(), field_name) !=
         k_system_fields.end();
}

bool is_protected_index(const payload_index_config& index) noexcept {
  return index.is_protected || is_system_field(index.field_name);
}

std::vector<payload_index_config> default_protected_indexes() {
  std::vector<payload_index_config> indexes;
  indexes.reserve(k_system_fields.size());
  for (const auto field : k_system_fields) {
    payload_index_config index;
    index.field_name = field;
    index.is_protected = true;
    if (field == "created_at" || field == "updated_at") {
      index.type = index_type::datetime;
    } else {
      index.type = index_type::keyword;
    }
    if (field == "internal_id") index.field_schema = boost::json::object{{"is_tenant", true}};
    indexes.push_back(std::move(index));
  }
  return indexes;
}

boost::json::object forbidden_envelope(const protected_index_violation& violation) {
  return error_envelope(
      403, "ForbiddenError",
      "Cannot modify protected index '" + violation.field_name + "': " + violation.reason,
      boost::json::object{{"field_name", violation.field_name}, {"reason", violation.reason}});
}

index_merge_result merge_payload_indexes(const std::vector<payload_index_config>& current,
                                         const std::vector<payload_index_config>& requested) {
  std::vector<payload_index_config> merged;
  for (const auto& index : current) {
    if (is_protected_index(index)) merged.push_back(index);
  }
  for (const auto& entry : requested) {
    const auto* existing = find(current, entry.field_name);
    if (existing != nullptr && is_protected_index(*existing)) {
      if (auto reason = change_to_protected(*existing, entry); !reason.empty()) {
        return protected_index_violation{entry.field_name, std::move(reason)};
      }
      continue;  // an identical repeat; the stored one is already in `merged`
    }
    if (is_system_field(entry.field_name)) {
      return protected_index_violation{entry.field_name,
                                       "'" + entry.field_name +
                                           "' is a system field; its index is managed "
                                           "by the system"};
    }
    if (entry.is_protected) {
      return protected_index_violation{entry.field_name,
                                       "is_protected can only be set by the system"};
    }
    payload_index_config user = entry;
    user.auto_created = existing != nullptr && same_index_definition(*existing, entry)
                            ? existing->auto_created
                            : std::nullopt;
    merged.push_back(std::move(user));
  }
  return merged;
}

}  // namespace index_optimizer
