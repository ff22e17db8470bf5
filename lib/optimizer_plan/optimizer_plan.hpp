#pragma once

// The optimizer's plan: for every field a namespace's decision window saw, create an index,
// adopt one Qdrant already has, or skip it — with the reason. A pure function over values
// (namespaces, window evidence, Qdrant's payload_schema, settings), unit-tested without Redis or
// Qdrant; the runner executes what it decides. docs/optimizer.md documents every rule.

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "namespace_model/namespace_model.hpp"
#include "namespace_model/payload_index_config.hpp"
#include "optimizer_plan/field_evidence.hpp"
#include "qdrant_port/qdrant_gateway.hpp"

namespace index_optimizer {

struct plan_settings {
  std::uint64_t threshold = 100;           // a field qualifies when its count is strictly greater
  int max_indexes_per_run = 20;            // creations, all namespaces together
  int max_indexes_per_namespace = 10;      // creations per namespace per run
  int max_payload_indexes = 100;           // indexes a collection may end up with; 0 = no limit
  std::uint64_t max_points = 0;            // bigger collections get no new index; 0 = no limit
  std::vector<std::string> deny_fields;    // globs; deny wins over allow
  std::vector<std::string> allow_fields;   // globs; empty = every field
  std::vector<std::string> tenant_fields;  // globs; keyword/uuid indexes get is_tenant
  // The Qdrant server's version, for params newer Qdrants accept; nullopt when unknown
  // (catalog-only, or the probe failed): such params are left out.
  std::optional<qdrant_version> server_version;
};

plan_settings make_plan_settings(const optimizer_config& optimizer,
                                 const namespaces_config& namespaces);

// One namespace as the planner sees it.
struct namespace_plan_input {
  namespace_model space;               // its auto_create_indexes is the caller's filter
  std::vector<field_evidence> fields;  // every field the window saw, unique paths
  // What Qdrant reports for the namespace's collection; nullopt in catalog-only mode.
  std::optional<qdrant_collection_info> collection;
};

enum class decision_action {
  create,  // build the index in Qdrant, then add it to the namespace
  adopt,   // Qdrant already has the index: add it to the namespace as it is
  skip,
};

enum class decision_reason {
  above_threshold,        // create: the count is above the threshold and nothing stops it
  already_in_qdrant,      // adopt (or skip when Qdrant's index cannot be expressed as a config)
  below_threshold,        // the count is not above the threshold
  already_indexed,        // the namespace already lists an index on the field
  protected_or_system,    // a system field or a protected index: never touched
  denied_by_pattern,      // matches optimizer.deny_fields, or misses a non-empty allow_fields
  unknown_type,           // no condition told the field's type
  namespace_cap_reached,  // max_indexes_per_namespace this run, or max_payload_indexes
  run_cap_reached,        // max_indexes_per_run
  collection_too_large,   // the collection has more points than optimizer.max_points
};

std::string_view to_string(decision_action action) noexcept;
std::string_view to_string(decision_reason reason) noexcept;

struct field_decision {
  field_evidence evidence;  // evidence.path is the field
  decision_action action = decision_action::skip;
  decision_reason reason = decision_reason::below_threshold;
  std::string detail;                            // the reason in words, with the numbers
  index_type chosen_type = index_type::unknown;  // what the votes call for
  // create: the index to build and add; adopt: Qdrant's index as a config. auto_created is left
  // for the runner (it knows the time).
  std::optional<payload_index_config> index;

  friend bool operator==(const field_decision&, const field_decision&) = default;
};

struct namespace_plan {
  std::string namespace_id;
  std::string namespace_name;
  std::string collection;
  // Every field of the input, by count (highest first), then path.
  std::vector<field_decision> decisions;

  std::size_t count(decision_action action) const noexcept;
};

// Plans one run over every namespace given (the caller passes only those with
// auto_create_indexes). Per field, the first rule that applies decides, in this order:
// protected_or_system, already_indexed, denied_by_pattern, below_threshold, already_in_qdrant
// (adopt), unknown_type, collection_too_large; the remaining candidates of every namespace are
// then ranked together by count (highest first; ties by namespace order, then path) and
// created until a cap stops them: namespace_cap_reached (max_indexes_per_namespace creations
// this run, or max_payload_indexes indexes counting the namespace's list and Qdrant's
// payload_schema together), then run_cap_reached (max_indexes_per_run).
std::vector<namespace_plan> plan_run(const std::vector<namespace_plan_input>& inputs,
                                     const plan_settings& settings);

// {"field_name", "action", "reason", "detail", "index_type", "index" (PayloadIndexConfig or
// null), "field_schema" (what Qdrant is sent, or null), "evidence"}.
boost::json::object to_json(const field_decision& decision);

}  // namespace index_optimizer
