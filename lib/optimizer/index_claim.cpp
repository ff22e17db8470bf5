#include "optimizer/index_claim.hpp"

#include <algorithm>

#include "namespace_model/namespace_update.hpp"
#include "optimizer_plan/index_choice.hpp"

namespace index_optimizer {
namespace {

using boost::json::object;

object error_json(const qdrant_error& error) {
  object detail;
  detail.emplace("kind", to_string(error.what));
  if (error.status != 0) {
    detail.emplace("status", error.status);
  } else {
    detail.emplace("status", nullptr);
  }
  detail.emplace("message", error.message);
  // false: Qdrant never got the request (it could not be reached, or the call was refused by
  // the circuit breaker or the bulkhead), so it changed nothing.
  detail.emplace("request_sent", error.request_sent);
  return {{"error", std::move(detail)}};
}

// The write's Qdrant call for the claimed field, if it made one.
const operation_report* call_for(const namespace_write_result& write, const std::string& field) {
  const auto it = std::find_if(write.reports.rbegin(), write.reports.rend(), [&](const auto& r) {
    return r.operation.index.field_name == field;
  });
  return it == write.reports.rend() ? nullptr : &*it;
}

std::optional<object> qdrant_exchange(const namespace_write_result& write,
                                      const operation_report* call) {
  if (call != nullptr && call->answer) {
    return object{{"operation_id", call->answer->operation_id}, {"status", call->answer->status}};
  }
  if (call != nullptr && call->call_error) return error_json(*call->call_error);
  if (write.qdrant_failure) return error_json(*write.qdrant_failure);
  return std::nullopt;
}

void record_unchanged(const index_claim& claim, field_step& step) {
  switch (claim.what) {
    case index_claim::kind::vanished:
      step.result = field_result::failed;
      step.error = "Qdrant no longer has the index it showed when the run was planned";
      return;
    case index_claim::kind::unexpressible:
      step.result = field_result::skipped;
      step.error =
          "Qdrant has an index on this field whose schema a PayloadIndexConfig cannot "
          "express; left to an operator";
      return;
    case index_claim::kind::already_listed:
    case index_claim::kind::list:
      step.result = field_result::skipped;
      step.error = "the namespace got an index on this field while the run was executing";
      return;
  }
}

std::string qdrant_failure(const namespace_write_result& write, const operation_report* call) {
  if (write.qdrant_failure || call == nullptr) return write.message;
  if (call->outcome == operation_outcome::pending) {
    return "Qdrant accepted the index but did not finish building it in time (status " +
           (call->answer ? call->answer->status : std::string("unknown")) +
           "); the next run adopts it once Qdrant shows it";
  }
  return "Qdrant did not create the index: " + call->error;
}

}  // namespace

index_claim decide_claim(const field_decision& decision, const namespace_model& current,
                         const boost::json::object* qdrant_indexes) {
  index_claim claim;
  const auto& field = decision.evidence.path;
  if (find_index(current, field) != nullptr) {
    claim.what = index_claim::kind::already_listed;
    return claim;
  }
  if (qdrant_indexes != nullptr) {
    // Qdrant's state now, not at planning time: a previous leader that died after its PUT, or an
    // operator, may have built the index since.
    if (const auto* entry = qdrant_indexes->if_contains(field)) {
      auto existing = index_from_payload_schema(field, *entry);
      if (!existing) {
        claim.what = index_claim::kind::unexpressible;
        return claim;
      }
      claim.index = std::move(*existing);
      claim.success = field_result::adopted;
      return claim;
    }
    if (decision.action == decision_action::adopt) {
      claim.what = index_claim::kind::vanished;
      return claim;
    }
  }
  claim.index = decision.index.value_or(payload_index_config{});
  claim.success =
      decision.action == decision_action::adopt ? field_result::adopted : field_result::created;
  return claim;
}

bool record_claim(const namespace_write_result& write, const index_claim& claim,
                  const auto_created_info& info, field_step& step) {
  const operation_report* call = call_for(write, claim.index.field_name);
  step.qdrant = qdrant_exchange(write, call);
  switch (write.status) {
    case write_status::stored:
      step.result = claim.success;
      step.decision.index = claim.index;
      step.decision.index->auto_created = info;
      return false;
    case write_status::unchanged:
      record_unchanged(claim, step);
      return false;
    case write_status::withdrawn:
      // Stopped before its Qdrant call (the step stays not_attempted), or after Qdrant built the
      // index: kept there, not listed by a leader that may no longer write.
      if (call != nullptr && touched_qdrant(*call)) {
        step.result = field_result::failed;
        step.error = "the lease was lost after Qdrant built the index; the next leader adopts it";
      }
      return true;
    case write_status::qdrant_failed:
      step.result = field_result::failed;
      step.error = qdrant_failure(write, call);
      return false;
    case write_status::busy:
      step.result = field_result::failed;
      step.error = "the namespace's write lock: " + write.message;
      return false;
    case write_status::qdrant_unavailable:
      // Refused before sending (circuit breaker open, every place taken): nothing was done for
      // the field.
      step.result = field_result::not_attempted;
      step.error = (write.qdrant_failure ? describe(*write.qdrant_failure) : write.message) +
                   "; the next run tries it again";
      return false;
    case write_status::rejected:
    case write_status::not_found:
    case write_status::version_mismatch:
    case write_status::name_taken:
    case write_status::collection_missing:
    case write_status::unavailable:
    case write_status::corrupt:
    case write_status::expired:  // only writes with an effects gate (HTTP requests)
      break;
  }
  step.result = field_result::failed;
  step.error = "adding the index to the namespace failed (" + std::string(to_string(write.status)) +
               "): " + write.message;
  if (call != nullptr && call->outcome == operation_outcome::applied) {
    step.error += "; Qdrant has the index, the next run adopts it";
  }
  return false;
}

}  // namespace index_optimizer
