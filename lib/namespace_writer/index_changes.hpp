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
#include "qdrant_port/qdrant_gateway.hpp"

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

// "Applied" has one meaning on every path: Qdrant answered `completed` ("Request is completed,
// changes are actual"), or, when the call got no answer, reading the collection back shows the
// operation's result. An answer of `acknowledged` or `wait_timeout` is Qdrant's own word that the
// operation is not finished, so it is `pending` and never recorded as done, even when a read-back
// would already show part of it: payload_schema sums each segment's index as that segment
// finishes, so a build in progress can already be listed.
enum class operation_outcome {
  applied,        // Qdrant has the operation's result
  failed,         // Qdrant refused or failed it and does not have its result
  unknown,        // the call failed and Qdrant's state could not be read back
  not_attempted,  // an earlier operation failed, so this one was never sent
  pending,        // Qdrant accepted it but had not finished it (acknowledged / wait_timeout)
  // It was called but never reached Qdrant (connection refused, circuit breaker open, too many
  // callers waiting), so Qdrant certainly does not have its result.
  not_sent,
};
std::string_view to_string(operation_outcome outcome) noexcept;

struct operation_report {
  index_operation operation;
  operation_outcome outcome = operation_outcome::not_attempted;
  std::string error;  // what went wrong, for every outcome but applied
  // Qdrant's UpdateResult when it answered 2xx (applied, pending); its error when the call
  // failed (failed, unknown, or applied after a read-back).
  std::optional<qdrant_update_result> answer;
  std::optional<qdrant_error> call_error;

  friend bool operator==(const operation_report&, const operation_report&) = default;
};

// Whether a collection's payload_schema shows the result of `operation`: the field indexed
// exactly as the config would create it (create/recreate), or the field not indexed (delete).
bool operation_visible(const index_operation& operation, const boost::json::object& payload_schema);

// Whether Qdrant has (or may yet have) the operation's result: applied, unknown or pending.
bool touched_qdrant(const operation_report& report) noexcept;

// The index list to store after some operations were applied: `indexes` with every applied
// operation folded in. Unknown and pending outcomes never make the list claim an index: such a
// delete or rebuild removes the entry, such a create adds nothing. Failed, not-sent and
// not-attempted ones leave the entry as it was.
std::vector<payload_index_config> fold_reports(std::vector<payload_index_config> indexes,
                                               const std::vector<operation_report>& reports);

// The operations that bring the fields the reports touched (touched_qdrant) back to
// `target`, one operation per field: rebuild the target's config where it has the field, delete
// it where not. Used to undo a change that could not be stored.
std::vector<index_operation> restore_operations(const std::vector<operation_report>& reports,
                                                const std::vector<payload_index_config>& target);

// Every operation applied (true for an empty list).
bool all_applied(const std::vector<operation_report>& reports) noexcept;
bool any_touched(const std::vector<operation_report>& reports) noexcept;

// {"applied": [...], "pending": [...], "failed": [...], "unknown": [...], "not_sent": [...],
// "not_attempted": [...]}, each entry {"field_name", "action", "type", "field_schema" (the Qdrant
// form sent), "error"?, "qdrant_status" (pending only: Qdrant's UpdateResult status)}.
boost::json::object to_json(const std::vector<operation_report>& reports);

}  // namespace index_optimizer
