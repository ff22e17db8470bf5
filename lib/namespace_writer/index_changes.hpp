#pragma once

// Pure bookkeeping for applying a namespace's index diff to Qdrant: the ordered operations, what
// became of each, and the index list the registry may store afterwards so that it never claims
// an index Qdrant does not have.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "namespace_model/namespace_update.hpp"
#include "namespace_model/payload_index_config.hpp"

namespace index_optimizer {

enum class index_action { create, delete_, recreate };
std::string_view to_string(index_action action) noexcept;

struct index_operation {
  index_action action = index_action::create;
  // create/recreate: the index to build; delete: the index being removed.
  payload_index_config index;

  friend bool operator==(const index_operation&, const index_operation&) = default;
};

// The diff as Qdrant calls, in the order they are sent: new indexes first, then removals, then
// rebuilds of changed ones (each rebuild is one PUT: Qdrant replaces an index whose schema
// differs).
std::vector<index_operation> index_operations(const index_diff& diff);

enum class operation_outcome {
  applied,        // Qdrant has the operation's result
  failed,         // Qdrant refused or failed it and does not have its result
  unknown,        // the call failed and Qdrant's state could not be read back
  not_attempted,  // an earlier operation failed, so this one was never sent
  // It was called but never reached Qdrant (connection refused, circuit breaker open, too many
  // callers waiting), so Qdrant certainly does not have its result.
  not_sent,
};
std::string_view to_string(operation_outcome outcome) noexcept;

struct operation_report {
  index_operation operation;
  operation_outcome outcome = operation_outcome::not_attempted;
  std::string error;  // Qdrant's message, for failed/unknown

  friend bool operator==(const operation_report&, const operation_report&) = default;
};

// Whether a collection's payload_schema shows the result of `operation`: the field indexed
// exactly as the config would create it (create/recreate), or the field not indexed (delete).
bool operation_visible(const index_operation& operation, const boost::json::object& payload_schema);

// The index list to store after some operations were applied: `indexes` with every applied
// operation folded in. Unknown outcomes never make the list claim an index: an unknown delete
// or rebuild removes the entry, an unknown create adds nothing. Failed, not-sent and
// not-attempted ones leave the entry as it was.
std::vector<payload_index_config> fold_reports(std::vector<payload_index_config> indexes,
                                               const std::vector<operation_report>& reports);

// The operations that bring the fields the reports touched (applied or unknown) back to
// `target`, one operation per field: rebuild the target's config where it has the field, delete
// it where not. Used to undo a change that could not be stored.
std::vector<index_operation> restore_operations(const std::vector<operation_report>& reports,
                                                const std::vector<payload_index_config>& target);

// Every operation applied (true for an empty list).
bool all_applied(const std::vector<operation_report>& reports) noexcept;
bool any_touched(const std::vector<operation_report>& reports) noexcept;

// {"applied": [...], "failed": [...], "unknown": [...], "not_sent": [...],
// "not_attempted": [...]}, each entry {"field_name", "action", "type", "field_schema" (the Qdrant
// form sent), "error"?}.
boost::json::object to_json(const std::vector<operation_report>& reports);

}  // namespace index_optimizer
