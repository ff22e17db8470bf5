#pragma once

#include "namespace_model/payload_index_config.hpp"

#include <boost/json/object.hpp>

#include <array>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace index_optimizer {

// Mixpeek's system-managed payload fields: "Users cannot create, modify, or delete protected
// indexes." `_internal` and everything under `_internal.` are system fields too.
inline constexpr std::array<std::string_view, 12> k_system_fields{
    "internal_id",      "namespace_id", "collection_id",  "document_id",
    "bucket_id",        "object_id",    "root_object_id", "root_bucket_id",
    "source_object_id", "created_at",   "updated_at",     "batch_id"};

bool is_system_field(std::string_view field_name) noexcept;

// An index no request may touch: flagged is_protected, or on a system field (even if an older
// document stored it unflagged).
bool is_protected_index(const payload_index_config& index) noexcept;

// The protected indexes a new namespace starts with: every system field, all flagged
// is_protected. internal_id is keyword with {"is_tenant": true} exactly as the spec's example
// shows it; created_at/updated_at are datetime; the other ids are plain keyword. `_internal.*`
// is a prefix, not a field, so it gets no index.
std::vector<payload_index_config> default_protected_indexes();

// Answered as 403 ForbiddenError (Mixpeek names no status for this; see NOTES.md).
struct protected_index_violation {
  std::string field_name;
  std::string reason;

  friend bool operator==(const protected_index_violation&,
                         const protected_index_violation&) = default;
};

// {"success": false, "status": 403, "error": {"type": "ForbiddenError", "message": ...,
// "details": {"field_name", "reason"}}}
boost::json::object forbidden_envelope(const protected_index_violation& violation);

using index_merge_result =
    std::variant<std::vector<payload_index_config>, protected_index_violation>;

// Replaces the user-managed part of `current` with `requested`:
// - protected indexes of `current` are always kept (omitting them from a request keeps them);
// - repeating a protected index with the same type, equivalent field_schema and is_protected is
//   allowed (a client echoing a GET); any other entry for a protected field is a violation;
// - an entry on a system field, or with is_protected: true, is a violation;
// - a user index repeated with the same definition keeps its storage-only auto_created record.
// Result: current's protected indexes in their order, then the requested user indexes in order.
index_merge_result merge_payload_indexes(const std::vector<payload_index_config>& current,
                                         const std::vector<payload_index_config>& requested);

}  // namespace index_optimizer
