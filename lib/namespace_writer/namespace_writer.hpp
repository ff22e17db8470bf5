#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/effects_gate.hpp"
#include "base/validation_error.hpp"
#include "config/config.hpp"
#include "namespace_model/namespace_model.hpp"
#include "namespace_model/protected_indexes.hpp"
#include "namespace_registry/namespace_lock.hpp"
#include "namespace_registry/namespace_registry.hpp"
#include "namespace_writer/index_changes.hpp"
#include "qdrant_port/qdrant_gateway.hpp"

namespace index_optimizer {

// Why a change function refused to produce a new namespace.
using change_rejection = std::variant<protected_index_violation, std::vector<validation_error>>;
using change_outcome = std::variant<namespace_model, change_rejection>;
// current -> wanted. May run more than once (after a lost race), so it must be a pure function
// of its argument. Returning the argument unchanged means "nothing to do".
using namespace_change = std::function<change_outcome(const namespace_model&)>;

// What a change function sees, read under the namespace's write lock.
struct change_context {
  const namespace_model& current;  // the namespace as stored now
  // The collection's payload_schema (field -> {"data_type", "params"?, "points"}) as Qdrant shows
  // it now, read after `current` when the write asked for it (write_options::read_qdrant_indexes);
  // nullptr when it did not, and in catalog-only mode.
  const boost::json::object* qdrant_indexes = nullptr;
};
// Like namespace_change, and as pure: the same context gives the same outcome.
using namespace_change_in_context = std::function<change_outcome(const change_context&)>;

// What becomes of index changes Qdrant applied when the namespace cannot be stored afterwards
// (Redis failed, the name was taken meanwhile, If-Match no longer holds after a lost race).
enum class unstored_qdrant_changes {
  undo,  // bring Qdrant back to what is stored (the admin API: the client was told it failed)
  keep,  // leave them; for a caller that reconciles from Qdrant (the optimizer adopts them)
};

// Per-write choices; the defaults are the admin API's.
struct write_options {
  // The version the caller based the change on (an ETag); version_mismatch when the stored one
  // differs.
  std::optional<std::int64_t> if_match;
  // The namespace as the caller has just read it from the registry, if it has (at `if_match`'s
  // version when that is set). A change that leaves the snapshot as it is answers `unchanged`
  // with it at once, without queueing for the lock behind other writers: the request takes
  // effect at the moment of that read, which is within the request (a client re-applying its
  // desired state is the common PATCH, and it must not wait for — or time out behind — an
  // optimizer run or another client's index build). Ignored with read_qdrant_indexes.
  const namespace_model* snapshot = nullptr;
  // Read the collection's payload_schema under the lock and pass it to the change, so the change
  // can take over an index Qdrant already has. Operations whose result Qdrant already shows are
  // then not sent. A failed read ends the write as qdrant_failed (`qdrant_failure`) before
  // anything is sent.
  bool read_qdrant_indexes = false;
  // Asked right before an attempt's first Qdrant index call: whether the caller may still act
  // (the optimizer confirms its leader lease). false: nothing is sent, nothing is stored, the
  // write ends `withdrawn`.
  std::function<bool()> confirm_before_qdrant;
  // Asked right before the namespace is stored. false: nothing is stored and the write ends
  // `withdrawn`; what Qdrant applied is listed in `reports` and is left in Qdrant, whatever
  // `unstored` says: a caller that lost its right to act must not make more calls (the next
  // optimizer leader adopts such an index instead of building it again).
  std::function<bool()> confirm_before_store;
  unstored_qdrant_changes unstored = unstored_qdrant_changes::undo;
  // An HTTP request's effects gate (see the class comment); nullptr: none.
  effects_gate* gate = nullptr;
};

enum class write_status {
  stored,              // changed, applied to Qdrant, stored
  unchanged,           // the change changed nothing: no Qdrant call, no write, same version
  rejected,            // the change function refused; `rejection` says why
  not_found,           // no such namespace
  version_mismatch,    // If-Match named another version; `current_version` is the stored one
  name_taken,          // another namespace has the requested name
  busy,                // another writer held the namespace's lock for the whole wait
  collection_missing,  // create: Qdrant has no collection of that name
  qdrant_failed,       // an index operation was not applied (failed, unknown or pending, see
                       // `reports`; `model` is what is stored), or the collection could not be
                       // read (`qdrant_failure`)
  withdrawn,           // a confirm hook answered false; `reports` lists what Qdrant applied
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
  // Qdrant's error that ended the write before any index operation: the collection could not be
  // read (create; update with read_qdrant_indexes: qdrant_failed), or Qdrant refused the call
  // (qdrant_unavailable).
  std::optional<qdrant_error> qdrant_failure;
  std::optional<std::chrono::seconds> retry_after;  // qdrant_unavailable
};

struct namespace_writer_options {
  namespace_lock_options lock;
  // Compare-and-set attempts while holding the lock. Only a writer that does not take the lock
  // or a lock that expired mid-change can make one fail.
  int max_attempts = 5;
};

// The writer the daemon runs, from its config: the lock's lease no longer than one Qdrant index
// call can take (the lock is renewed while held, so a build of any length keeps it, and a holder
// that dies blocks the namespace for at most that long), and a waiting writer gives up well
// inside the HTTP request timeout.
namespace_writer_options namespace_writer_options_from(const config& cfg);

// The only code that changes Qdrant payload indexes and stores a namespace: the admin API's
// create, PATCH and PUT and the optimizer's index claims all write through here, in the one order
// that keeps the registry honest: take the namespace's write lock, apply the index diff to
// Qdrant, then compare-and-set the document. Writers are serialised per namespace and never lose
// each other's update. The stored namespace never claims an index Qdrant does not have:
// - an operation counts only when applied (index_changes.hpp: Qdrant answered `completed`, or
//   the collection read back after a call that got no answer shows it); `acknowledged` and
//   `wait_timeout` are pending, and recorded as not done;
// - when an operation is not applied, the operations after it are not sent, and the old
//   namespace with exactly the applied operations folded in is stored (nothing else of the
//   change is);
// - when the change cannot be stored, the applied operations are undone in Qdrant (or kept, as
//   write_options::unstored says).
// Without a Qdrant gateway (catalog-only mode) changes are stored directly.
//
// A change that needs Qdrant first reserves a place among Qdrant's callers (the bulkhead), before
// it queues for the lock, and holds it until it returns: when Qdrant's circuit breaker is open or
// every place is taken it answers qdrant_unavailable at once, having changed nothing. With an
// effects gate (an HTTP request's), the first Qdrant call or Redis write waits for
// gate->begin_effects(): once the request's deadline has passed the change answers `expired`
// having changed nothing; once it began, it runs to its end (bounded by the Redis and Qdrant
// timeouts) and the caller is given its outcome.
class namespace_writer {
 public:
  // `qdrant` may be nullptr (catalog-only); it must outlive the writer.
  namespace_writer(std::shared_ptr<namespace_registry> registry, qdrant_gateway* qdrant,
                   namespace_writer_options options = {});

  // Stores a new namespace (version 1). With Qdrant: the collection must exist; the model's
  // indexes that Qdrant does not already have (exactly) are created first; when one is not
  // applied, nothing is stored and the ones created stay in Qdrant (listed in `reports`).
  namespace_write_result create(const namespace_model& model, effects_gate* gate = nullptr);

  // Changes namespace `namespace_id` with `change` (see write_options).
  namespace_write_result update(std::string_view namespace_id,
                                const namespace_change_in_context& change,
                                const write_options& options);
  // The admin API's form: `if_match`, `snapshot` and `gate` as in write_options.
  namespace_write_result update(std::string_view namespace_id, const namespace_change& change,
                                std::optional<std::int64_t> if_match = std::nullopt,
                                const namespace_model* snapshot = nullptr,
                                effects_gate* gate = nullptr);

  bool catalog_only() const noexcept { return qdrant_ == nullptr; }
  namespace_registry& registry() noexcept { return *registry_; }

 private:
  struct update_run;

  // One compare-and-set attempt; nullopt when the store lost a race and the change is tried again.
  std::optional<namespace_write_result> attempt(update_run& run);
  std::optional<namespace_write_result> apply_and_store(
      update_run& run, const namespace_model& current, const namespace_model& target,
      const std::vector<index_operation>& operations);
  // Some operation was not applied: stores the old namespace with exactly the applied ones.
  namespace_write_result store_applied_subset(update_run& run, const namespace_model& current,
                                              const namespace_model& target,
                                              const std::vector<operation_report>& reports);
  namespace_write_result gave_up(update_run& run);
  // Sends the operations in order until one is not applied; the rest stay not_attempted.
  // `refused` (optional) is set when an operation was refused before sending (circuit breaker,
  // bulkhead), with that refusal.
  std::vector<operation_report> apply(const std::string& collection,
                                      const std::vector<index_operation>& operations,
                                      namespace_lock* lock,
                                      std::optional<qdrant_error>* refused = nullptr);
  // After a call that got no answer: whether the collection shows the operation's result
  // (applied), does not (failed), or cannot be read (unknown). True when applied.
  bool read_back(const std::string& collection, operation_report& report);
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
