#pragma once

#include "namespace_model/namespace_model.hpp"
#include "namespace_model/namespace_requests.hpp"
#include "namespace_model/payload_index_config.hpp"
#include "namespace_model/protected_indexes.hpp"

#include <chrono>
#include <string>
#include <variant>
#include <vector>

// Pure state transitions of a namespace. The caller (the HTTP handler or the optimizer) reads the
// stored model, calls one of these, applies `diff_indexes(old, new)` to Qdrant, and only then
// writes the new model with a compare-and-set on `version` (the store bumps it).

namespace index_optimizer {

using namespace_update_result = std::variant<namespace_model, protected_index_violation>;

// PATCH: absent and null fields leave the value unchanged. `payload_indexes` replaces the
// user-managed list (merge_payload_indexes). `infrastructure` replaces the whole object, except
// that a null/absent qdrant_api_key keeps the stored key: the API never shows the key, so a client
// echoing a GET must not erase it. updated_at becomes `now` only if something changed, so a
// repeated PATCH is a no-op.
namespace_update_result apply_patch(const namespace_model& current,
                                    const patch_namespace_request& patch,
                                    std::chrono::system_clock::time_point now);

// PUT (full replacement of what UpdateNamespaceRequest covers): namespace_name is set (null
// keeps it: a name cannot be cleared) and the user-managed index list becomes exactly
// `payload_indexes` (null: none). Fields outside UpdateNamespaceRequest are untouched.
namespace_update_result apply_put(const namespace_model& current,
                                  const update_namespace_request& put,
                                  std::chrono::system_clock::time_point now);

// A new namespace from a create request: `protected_indexes` (normally
// default_protected_indexes()) first, then the request's user indexes under the same rules as a
// PATCH; created_at = updated_at = now; version 0.
namespace_update_result new_namespace(const create_namespace_request& request,
                                      std::string namespace_id,
                                      std::chrono::system_clock::time_point now,
                                      const std::vector<payload_index_config>& protected_indexes);

// The optimizer's addition: appends `index` as a user index (is_protected false) with its
// auto_created record. Unchanged when the field already has an index.
namespace_model with_auto_created_index(const namespace_model& current, payload_index_config index,
                                        auto_created_info info,
                                        std::chrono::system_clock::time_point now);

// What Qdrant must do to go from `old_list` to `new_list`, matched by field_name.
struct index_diff {
  std::vector<payload_index_config> to_create;    // in new only
  std::vector<payload_index_config> to_delete;    // in old only (old configs)
  std::vector<payload_index_config> to_recreate;  // in both, type or Qdrant schema changed (new)

  bool empty() const noexcept {
    return to_create.empty() && to_delete.empty() && to_recreate.empty();
  }
  friend bool operator==(const index_diff&, const index_diff&) = default;
};

index_diff diff_indexes(const std::vector<payload_index_config>& old_list,
                        const std::vector<payload_index_config>& new_list);

}  // namespace index_optimizer
