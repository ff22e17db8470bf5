#pragma once

// How the optimizer claims one planned index through the namespace writer, as two pure steps:
// the change it asks for, decided from what the namespace and Qdrant hold under the namespace's
// write lock, and how the write's result reads in the run record.

#include <boost/json/object.hpp>

#include "namespace_model/namespace_model.hpp"
#include "namespace_model/payload_index_config.hpp"
#include "namespace_writer/namespace_writer.hpp"
#include "optimizer/run_record.hpp"
#include "optimizer_plan/optimizer_plan.hpp"

namespace index_optimizer {

struct index_claim {
  enum class kind {
    list,            // add `index` to the namespace (Qdrant builds it first unless it has it)
    already_listed,  // the namespace got an index on the field meanwhile: nothing to do
    unexpressible,   // Qdrant's index on the field has a schema no PayloadIndexConfig expresses
    vanished,        // the plan adopts an index Qdrant no longer shows
  };
  kind what = kind::list;
  payload_index_config index;                    // list: what the namespace will list
  field_result success = field_result::created;  // list: created or adopted
};

// Decides the claim of `decision` (create or adopt, with its index) against the namespace as
// stored and Qdrant's payload_schema (nullptr: catalog-only), both read under the lock. In order:
// 1. the namespace lists the field -> already_listed;
// 2. Qdrant has an index on the field -> list Qdrant's index as it is (adopted), never built
//    twice; unexpressible when no PayloadIndexConfig describes it (left to an operator);
// 3. the plan adopts but Qdrant no longer shows the index -> vanished;
// 4. otherwise list the planned index: created (Qdrant builds it), or adopted in catalog-only
//    mode for an adopt decision.
index_claim decide_claim(const field_decision& decision, const namespace_model& current,
                         const boost::json::object* qdrant_indexes);

// Writes what became of the claim into `step` (result, error, the Qdrant exchange, and the index
// as listed with its auto_created record). Returns true when the write was withdrawn because the
// lease was lost: the run must stop. A build Qdrant finished whose listing was withdrawn or failed
// stays in Qdrant and the step says so: the next run adopts it.
bool record_claim(const namespace_write_result& write, const index_claim& claim,
                  const auto_created_info& info, field_step& step);

}  // namespace index_optimizer
