#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "effects_gate/effects_gate.hpp"
#include "namespace_model/namespace_model.hpp"
#include "namespace_model/protected_indexes.hpp"
#include "namespace_registry/namespace_lock.hpp"
#include "namespace_registry/namespace_registry.hpp"
#include "namespace_writer/index_changes.hpp"
#include "qdrant_client/qdrant_gateway.hpp"
#include "validation_error/validation_error.hpp"

namespace index_optimizer {

// Why a change function refused to produce a new namespace.
using change_rejection = std::variant<protected_index_violation, std::vector<validation_error>>;
using change_outcome = std::variant<namespace_model, change_rejection>;
// current -> wanted. May run more than once (after a lost race), so it must be a pure function
// of its argument. Returning the argument unchanged means "nothing to do".
using namespace_change = std::function<change_outcome(const namespace_model&)>;

enum class write_status {
  stored,              // changed, applied to Qdrant, stored
  unchanged,           // the change changed nothing: no Qdrant call, no write, same version
  rejected,            // the change function refused; `rejection` says why
  not_found,           // no such namespace
  version_mismatch,    // If-Match named another version; `current_version` is the stored one
  name_taken,          // another namespace has the requested name
  busy,                // another writer held the namespace's lock for the whole wait
  collection_missing,  // create: Qdrant has no collection of that name
  qdrant_failed,       // an index operation failed; `reports` lists each, `model` what is stored
  unavailable,         // Redis failed, or (create) Qdrant could not be asked
  corrupt,             // the stored document does not parse
  // Qdrant was not called: its circuit breaker is open or qdrant.max_concurrent_requests
  // callers already wait on it. Nothing changed; `retry_after` says when to try again.
  qdrant_unavailable,
  // The request's effects gate was closed (http.request_timeout passed) before the change began.
  // Nothing changed.
  expired,
};

struct namespace_write_result {
  write_status status = write_status::unavailable;
  // stored / unchanged: the namespace as stored. qdrant_failed: what is stored now (the old one
  // with the operations Qdrant did apply folded in), or nullopt when even that could not be
  // stored or (create) nothing was created.
  std::optional<namespace_model> model;
  std::optional<change_rejection> rejection;
  std::vector<operation_report> reports;   // the Qdrant operations of the final attempt
  std::vector<operation_report> restored;  // compensating operations sent, if any
  std::string message;                     // operator-facing, for every failure
  std::optional<std::int64_t> current_version;
  std::string collection;  // the namespace's Qdrant collection
  // create: the collection as read before creating indexes (its points_count is the new
  // namespace's document_count).
  std::optional<qdrant_collection_info> collection_info;
  std::optional<std::chrono::seconds> retry_after;  // qdrant_unavailable
};

struct namespace_writer_options {
  namespace_lock_options lock;
  // Compare-and-set attempts while holding the lock. Only a writer that does not take the lock
  // or a lock that expired mid-change can make one fail.
  int max_attempts = 5;
};

// Applies namespace changes in the one order that keeps the registry honest: take the
// namespace's write lock, apply the index diff to Qdrant, then compare-and-set the document.
// The stored namespace never claims an index Qdrant does not have:
// - when an index operation fails, the operations after it are not sent, Qdrant's state is read
//   back for the failed one (a timed-out call may still have been applied), and the old
//   namespace with exactly the applied operations folded in is stored (nothing else of the
//   change is) — see index_changes.hpp for operations whose outcome stays unknown;
// - when the change cannot be stored (If-Match no longer holds after a lost race, the name was
//   taken meanwhile, Redis failed), the applied operations are undone in Qdrant.
// Without a Qdrant gateway (catalog-only mode) changes are stored directly.
//
// A change that needs Qdrant first reserves a place among Qdrant's callers (the bulkhead), before
// it queues for the lock, and holds it until it returns: when Qdrant's circuit breaker is open or
// every place is taken it answers qdrant_unavailable at once, having changed nothing. With an
// effects gate (an HTTP request's), the first Qdrant call or Redis write waits for
// gate->begin_effects(): once the request's deadline has passed the change answers `expired`
// having changed nothing; once it began, it runs to its end (bounded by the Redis and Qdrant
// timeouts) and the caller is given its outcome.
//
// Both the admin API and the optimizer write through here, so an index the optimizer adds and a
// PATCH from an operator are serialised per namespace and never lose each other's update. The
// optimizer adds an index with
//   writer.update(id, [&](const namespace_model& ns) -> change_outcome {
//     return with_auto_created_index(ns, index, info, now); });
class namespace_writer {
 public:
  // `qdrant` may be nullptr (catalog-only); it must outlive the writer.
  namespace_writer(std::shared_ptr<namespace_registry> registry, qdrant_gateway* qdrant,
                   namespace_writer_options options = {});

  // Stores a new namespace (version 1). With Qdrant: the collection must exist; the model's
  // indexes that Qdrant does not already have (exactly) are created first; when one fails,
  // nothing is stored and the ones created stay in Qdrant (listed in `reports`).
  namespace_write_result create(const namespace_model& model, effects_gate* gate = nullptr);

  // Changes namespace `namespace_id` with `change`. `if_match`: the version the caller based the
  // change on (an ETag); version_mismatch when the stored one differs.
  // `snapshot`: the namespace as the caller has just read it from the registry, if it has (at
  // `if_match`'s version when that is set). A change that leaves the snapshot as it is answers
  // `unchanged` with it at once, without queueing for the lock behind other writers: the request
  // takes effect at the moment of that read, which is within the request (a client re-applying
  // its desired state is the common PATCH, and it must not wait for — or time out behind — an
  // optimizer run or another client's index build).
  namespace_write_result update(std::string_view namespace_id, const namespace_change& change,
                                std::optional<std::int64_t> if_match = std::nullopt,
                                const namespace_model* snapshot = nullptr,
                                effects_gate* gate = nullptr);

  bool catalog_only() const noexcept { return qdrant_ == nullptr; }
  namespace_registry& registry() noexcept { return *registry_; }

 private:
  // `refused` (optional) is set when an operation was refused before sending (circuit breaker,
  // bulkhead), with that refusal.
  std::vector<operation_report> apply(const std::string& collection,
                                      const std::vector<index_operation>& operations,
                                      namespace_lock* lock,
                                      std::optional<qdrant_error>* refused = nullptr);
  // A place for this thread's Qdrant calls; nullopt with `result` set to qdrant_unavailable when
  // Qdrant is refused.
  std::optional<qdrant_permit> reserve_qdrant(namespace_write_result& result);
  // Best effort: brings the touched fields back to `target`; failures are logged.
  std::vector<operation_report> restore(const std::string& collection,
                                        const std::vector<operation_report>& touched,
                                        const std::vector<payload_index_config>& target);

  std::shared_ptr<namespace_registry> registry_;
  qdrant_gateway* qdrant_;
  namespace_writer_options options_;
};

std::string_view to_string(write_status status) noexcept;

}  // namespace index_optimizer
