#pragma once

// Which payload index a field's evidence calls for. Pure; the rules are the table in
// docs/optimizer.md § Type and parameters.

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "namespace_model/payload_index_config.hpp"
#include "optimizer_plan/field_evidence.hpp"

namespace index_optimizer {

// The index type a field's type votes call for; `unknown` when no vote names a type.
// - `unknown` votes are ignored: they say nothing about the type.
// - Types one index can serve are pooled first: keyword+uuid is a keyword index (a keyword index
//   matches UUID strings too; a uuid index rejects other strings), integer+float is a float
//   index (a float index holds integers too; an integer index drops fractions).
// - The pool (or single type) with the most votes wins.
// - A tie goes to the first in this order: keyword/uuid, integer/float, datetime, bool, geo,
//   text — cheapest and most generally useful first, the full-text index (the costliest) last.
index_type choose_index_type(const std::map<index_type, std::uint64_t>& type_votes);

// What the chosen index looks like beyond its type.
struct index_choice_options {
  bool tenant = false;  // the field matches optimizer.tenant_fields
  // The Qdrant behind the namespace; nullopt in catalog-only mode. Params newer than it (keyword
  // `prefix`: 1.19) are left out.
  std::optional<qdrant_version> server_version;
};

// The index to create for `evidence` as type `type` (not unknown), with params that follow the
// condition kinds seen:
// - keyword: `is_tenant` for tenant fields; `prefix: true` when prefix conditions were seen and
//   the server is 1.19 or newer;
// - uuid: `is_tenant` for tenant fields;
// - integer: `lookup` only when only match/any conditions were seen, `range` only when only range
//   conditions were; Qdrant's default (both) otherwise;
// - text: `phrase_matching: true` when phrase conditions were seen;
// - float, datetime, bool, geo: no params.
// field_schema is null when no param is set (Qdrant gets the bare type name), else
// {"type": T, params...}. is_protected is false; auto_created is left to the caller.
payload_index_config index_for_evidence(const field_evidence& evidence, index_type type,
                                        const index_choice_options& options);

// The PayloadIndexConfig describing an index Qdrant already has (a payload_schema entry
// {"data_type", "params"?}), such that re-sending it is a no-op; nullopt when the entry cannot
// be expressed as one (unknown data_type, params our model does not accept).
std::optional<payload_index_config> index_from_payload_schema(
    std::string field_name, const boost::json::value& payload_schema_entry);

}  // namespace index_optimizer
