#include "namespace_writer/namespace_writer.hpp"

#include <algorithm>

#include "ops/logger.hpp"

namespace index_optimizer {
namespace {

write_status status_for(registry_errc code) {
  switch (code) {
    case registry_errc::not_found:
      return write_status::not_found;
    case registry_errc::version_mismatch:
      return write_status::version_mismatch;
    case registry_errc::name_taken:
      return write_status::name_taken;
    case registry_errc::busy:
    case registry_errc::lock_lost:
      return write_status::busy;
    case registry_errc::corrupt:
      return write_status::corrupt;
    case registry_errc::id_taken:
    case registry_errc::unavailable:
      return write_status::unavailable;
  }
  return write_status::unavailable;
}

namespace_write_result failure(namespace_write_result result, const registry_error& error) {
  result.status = status_for(error.code);
  result.message = error.message;
  result.current_version = error.current_version;
  return result;
}

namespace_write_result mismatch(namespace_write_result result, std::string_view namespace_id,
                                std::int64_t current, std::int64_t expected) {
  result.status = write_status::version_mismatch;
  result.current_version = current;
  result.message = "Namespace '" + std::string(namespace_id) + "' is at version " +
                   std::to_string(current) + ", not " + std::to_string(expected) +
                   " (If-Match): read it again and retry";
  return result;
}

// A 4xx answer (other than 408) means Qdrant rejected the request and changed nothing; for
// anything else (5xx, timeouts, dropped connections) the change may or may not have happened.
bool definitely_not_applied(const qdrant_error& error) noexcept {
  return error.what == qdrant_error::kind::http_status && error.status >= 400 &&
         error.status < 500 && error.status != 408;
}

std::string failure_message(const std::string& collection,
                            const std::vector<operation_report>& reports) {
  std::string first;
  for (const auto& report : reports) {
    if (report.outcome == operation_outcome::applied ||
        report.outcome == operation_outcome::not_attempted) {
      continue;
    }
    const char* what = report.outcome == operation_outcome::unknown    ? "has an unknown outcome"
                       : report.outcome == operation_outcome::pending  ? "is not finished"
                       : report.outcome == operation_outcome::not_sent ? "was not sent"
                                                                       : "failed";
    first = std::string(to_string(report.operation.action)) + " index on '" +
            report.operation.index.field_name + "' " + what + ": " + report.error;
    break;
  }
  return "Qdrant did not apply every index change to collection '" + collection + "' (" + first +
         "); only the changes Qdrant applied are recorded, see error.details";
}

validation_error collection_change_error(const namespace_model& current, const std::string& from,
                                         const std::string& to) {
  return {"value_error",
          {std::string("body"), std::string("infrastructure"), std::string("qdrant_collection")},
          "Value error, qdrant_collection cannot be changed: the indexes of namespace '" +
              current.namespace_id + "' live in collection '" + from +
              "'. Create a new namespace for collection '" + to + "'"};
}

// Whether the request may begin changing things (see effects_gate); no gate: always.
bool may_begin_effects(effects_gate* gate) {
  return gate == nullptr || gate->begin_effects();
}

namespace_write_result expired(namespace_write_result result) {
  result.status = write_status::expired;
  result.message =
      "http.request_timeout passed before the change began; nothing was changed. Retry";
  return result;
}

namespace_write_result qdrant_refused(namespace_write_result result, const qdrant_error& error) {
  result.status = write_status::qdrant_unavailable;
  result.qdrant_failure = error;
  result.retry_after = error.retry_after.value_or(std::chrono::seconds(1));
  result.message = "Qdrant was not called, nothing was changed: " + error.message;
  return result;
}

bool same_fields(const std::vector<operation_report>& touched, const index_operation& op) {
  return std::any_of(touched.begin(), touched.end(), [&](const auto& r) {
    return r.operation.index.field_name == op.index.field_name;
  });
}

}  // namespace

std::string_view to_string(write_status status) noexcept {
  switch (status) {
    case write_status::stored:
      return "stored";
    case write_status::unchanged:
      return "unchanged";
    case write_status::rejected:
      return "rejected";
    case write_status::not_found:
      return "not_found";
    case write_status::version_mismatch:
      return "version_mismatch";
    case write_status::name_taken:
      return "name_taken";
    case write_status::busy:
      return "busy";
    case write_status::collection_missing:
      return "collection_missing";
    case write_status::qdrant_failed:
      return "qdrant_failed";
    case write_status::withdrawn:
      return "withdrawn";
    case write_status::unavailable:
      return "unavailable";
    case write_status::corrupt:
      return "corrupt";
    case write_status::qdrant_unavailable:
      return "qdrant_unavailable";
    case write_status::expired:
      return "expired";
  }
  return "unknown";
}

namespace_writer::namespace_writer(std::shared_ptr<namespace_registry> registry,
                                   qdrant_gateway* qdrant, namespace_writer_options options)
    : registry_(std::move(registry)), qdrant_(qdrant), options_(std::move(options)) {}

std::optional<qdrant_permit> namespace_writer::reserve_qdrant(namespace_write_result& result) {
  auto permit = qdrant_->reserve();
  if (permit) return std::move(permit.value());
  result = qdrant_refused(std::move(result), permit.error());
  return std::nullopt;
}

std::vector<operation_report> namespace_writer::apply(
    const std::string& collection, const std::vector<index_operation>& operations,
    namespace_lock* lock, std::optional<qdrant_error>* refused) {
  std::vector<operation_report> reports(operations.size());
  for (std::size_t i = 0; i < operations.size(); ++i)
    reports[i].operation = operations[i];

  for (auto& report : reports) {
    const auto& op = report.operation;
    if (lock != nullptr && lock->lost()) {
      // Another writer holds the namespace now: our calls would interleave with theirs.
      report.error = "not sent: the namespace lock expired and was taken by another writer";
      return reports;
    }
    const auto sent =
        op.action == index_action::delete_
            ? qdrant_->delete_index(collection, op.index.field_name)
            : qdrant_->create_index(collection, op.index.field_name, qdrant_field_schema(op.index));
    if (sent) {
      report.answer = sent.value();
      if (sent.value().completed()) {
        report.outcome = operation_outcome::applied;
        continue;
      }
      report.outcome = operation_outcome::pending;
      report.error = "Qdrant answered \"" + sent.value().status +
                     "\": it accepted the operation but had not finished it; it goes on in Qdrant";
    } else {
      report.call_error = sent.error();
      report.error = describe(sent.error());
      if (!sent.error().request_sent) {
        // Never reached Qdrant (connection refused, circuit breaker open, no place): nothing to
        // read back, Qdrant does not have it.
        report.outcome = operation_outcome::not_sent;
        if (refused != nullptr && sent.error().not_admitted()) *refused = sent.error();
      } else if (definitely_not_applied(sent.error())) {
        report.outcome = operation_outcome::failed;
      } else if (read_back(collection, report)) {
        continue;
      }
    }
    log_warn("qdrant index change not applied", {{"collection", collection},
                                                 {"field", op.index.field_name},
                                                 {"action", to_string(op.action)},
                                                 {"outcome", to_string(report.outcome)},
                                                 {"error", report.error}});
    return reports;  // later operations are not sent
  }
  return reports;
}

bool namespace_writer::read_back(const std::string& collection, operation_report& report) {
  // A timed-out or dropped call may still have been applied: ask Qdrant what it has.
  const auto& op = report.operation;
  const auto info = qdrant_->collection_info(collection);
  if (!info) {
    report.outcome = operation_outcome::unknown;
    report.error += "; reading the collection back failed too: " + describe(info.error());
    return false;
  }
  if (!operation_visible(op, info.value().payload_schema)) {
    report.outcome = operation_outcome::failed;
    return false;
  }
  log_warn("qdrant reported a failure but applied the index change",
           {{"collection", collection},
            {"field", op.index.field_name},
            {"action", to_string(op.action)},
            {"error", report.error}});
  report.outcome = operation_outcome::applied;
  report.error.clear();
  return true;
}

std::vector<operation_report> namespace_writer::restore(
    const std::string& collection, const std::vector<operation_report>& touched,
    const std::vector<payload_index_config>& target) {
  if (qdrant_ == nullptr) return {};
  std::vector<operation_report> out;
  for (const auto& op : restore_operations(touched, target)) {
    // Each operation on its own: one failure must not keep the others from being undone.
    auto report = apply(collection, {op}, nullptr).front();
    if (report.outcome != operation_outcome::applied) {
      log_error(
          "could not undo an index change in qdrant; the namespace and qdrant differ for "
          "this field until it is changed again",
          {{"collection", collection}, {"field", op.index.field_name}, {"error", report.error}});
    }
    out.push_back(std::move(report));
  }
  return out;
}

namespace_write_result namespace_writer::create(const namespace_model& model, effects_gate* gate) {
  namespace_write_result result;
  result.collection = qdrant_collection_name(model);
  std::optional<qdrant_permit> permit;
  if (qdrant_ != nullptr) {
    permit = reserve_qdrant(result);
    if (!permit) return result;
  }

  auto owner = registry_->id_for_name(model.namespace_name);
  if (!owner) return failure(std::move(result), owner.error());
  if (owner.value()) {
    result.status = write_status::name_taken;
    result.message = "Namespace name '" + model.namespace_name + "' is already in use";
    return result;
  }

  if (qdrant_ != nullptr) {
    auto info = qdrant_->collection_info(result.collection);
    if (!info) {
      const auto& error = info.error();
      if (error.not_admitted()) return qdrant_refused(std::move(result), error);
      if (error.what == qdrant_error::kind::http_status && error.status == 404) {
        result.status = write_status::collection_missing;
        result.message = "Qdrant has no collection '" + result.collection +
                         "': create it first, or set infrastructure.qdrant_collection to an "
                         "existing collection (this daemon manages payload indexes, not "
                         "collections)";
      } else {
        result.status = write_status::qdrant_failed;
        result.qdrant_failure = error;
        result.message = "Qdrant could not be asked about collection '" + result.collection +
                         "': " + describe(error);
      }
      return result;
    }
    std::vector<index_operation> operations;
    for (const auto& index : model.payload_indexes) {
      const auto* entry = info.value().payload_schema.if_contains(index.field_name);
      if (entry != nullptr && qdrant_schema_matches(index, *entry)) continue;
      operations.push_back(
          {entry == nullptr ? index_action::create : index_action::recreate, index});
    }
    result.collection_info = std::move(info).value();
    if (!may_begin_effects(gate)) return expired(std::move(result));
    std::optional<qdrant_error> refused;
    result.reports = apply(result.collection, operations, nullptr, &refused);
    if (refused && !any_touched(result.reports)) return qdrant_refused(std::move(result), *refused);
    if (!all_applied(result.reports)) {
      result.status = write_status::qdrant_failed;
      result.message = failure_message(result.collection, result.reports) +
                       ". The namespace was not created; the indexes listed as applied stay in "
                       "Qdrant";
      return result;
    }
  } else {
    if (!may_begin_effects(gate)) return expired(std::move(result));
    log_info("qdrant not configured (catalog-only): namespace stored without creating indexes",
             {{"namespace_id", model.namespace_id}, {"collection", result.collection}});
  }

  auto created = registry_->create(model);
  if (!created) return failure(std::move(result), created.error());
  result.status = write_status::stored;
  result.model = std::move(created).value();
  return result;
}

// One update() call: what it was asked, and what its attempts did so far.
struct namespace_writer::update_run {
  namespace_writer& writer;
  std::string_view namespace_id;
  const namespace_change_in_context& change;
  const write_options& options;
  namespace_lock& lock;
  namespace_write_result result;
  // A place among Qdrant's callers, held from its reservation (before the lock when the change is
  // known to need Qdrant) until the write returns.
  std::optional<qdrant_permit> permit;
  // Operations Qdrant applied (or may have, or is still doing) during this write, one per
  // field: what settle() brings back in line when the change is not stored, and what a later
  // attempt's diff must cover.
  std::vector<operation_report> touched;
  std::optional<registry_error> last_error;

  void remember(const std::vector<operation_report>& reports) {
    for (const auto& report : reports) {
      if (touched_qdrant(report) && !same_fields(touched, report.operation)) {
        touched.push_back(report);
      }
    }
  }

  // The change will not be stored: Qdrant's touched fields go back to `stored` (what the
  // registry holds), or stay for the caller when it asked to keep them.
  void settle(const std::vector<payload_index_config>& stored) {
    if (touched.empty()) return;
    if (options.unstored == unstored_qdrant_changes::keep) {
      log_info("index changes qdrant applied are not stored; kept for the caller to adopt",
               {{"namespace_id", std::string(namespace_id)}, {"collection", result.collection}});
      return;
    }
    result.restored = writer.restore(result.collection, touched, stored);
  }

  // A confirm hook answered false: nothing more is sent or stored; Qdrant keeps what it has.
  namespace_write_result withdraw(std::string_view when) {
    result.status = write_status::withdrawn;
    result.message =
        "the write was withdrawn " + std::string(when) + ": its caller may no longer act";
    if (!touched.empty()) {
      log_warn("namespace write withdrawn after qdrant applied index changes; they stay in qdrant",
               {{"namespace_id", std::string(namespace_id)}, {"collection", result.collection}});
    }
    return std::move(result);
  }
};

namespace {

// What the caller's snapshot tells before the lock: the answer when the change leaves it as it
// is, and whether the change has index operations (so a refused Qdrant is answered at once,
// without queueing for the lock). A refusal is decided under the lock, against what is stored
// then.
struct snapshot_verdict {
  std::optional<namespace_write_result> answer;
  bool needs_qdrant = false;
};

snapshot_verdict judge_snapshot(const namespace_change_in_context& change,
                                const write_options& options) {
  const namespace_model* snapshot = options.snapshot;
  if (snapshot == nullptr || options.read_qdrant_indexes) return {};
  if (options.if_match && snapshot->version != *options.if_match) return {};
  auto outcome = change({*snapshot, nullptr});
  const auto* target = std::get_if<namespace_model>(&outcome);
  if (target == nullptr) return {};
  namespace_model same = *target;
  same.namespace_id = snapshot->namespace_id;
  same.version = snapshot->version;
  if (!(same == *snapshot)) {
    return {std::nullopt,
            !index_operations(diff_indexes(snapshot->payload_indexes, target->payload_indexes))
                 .empty()};
  }
  namespace_write_result result;
  result.status = write_status::unchanged;
  result.collection = qdrant_collection_name(*snapshot);
  result.model = *snapshot;
  return {std::move(result), false};
}

// The Qdrant calls that take `current` to `target`: the index diff, then calls that bring fields
// an earlier attempt touched (and this diff leaves alone) back to the target. Calls whose result
// `qdrant_indexes` (when read) already shows are left out: Qdrant has them.
std::vector<index_operation> planned_operations(const namespace_model& current,
                                                const namespace_model& target,
                                                const std::vector<operation_report>& touched,
                                                const boost::json::object* qdrant_indexes) {
  auto operations = index_operations(diff_indexes(current.payload_indexes, target.payload_indexes));
  std::vector<operation_report> stray;
  for (const auto& report : touched) {
    const bool covered = std::any_of(operations.begin(), operations.end(), [&](const auto& op) {
      return op.index.field_name == report.operation.index.field_name;
    });
    if (!covered) stray.push_back(report);
  }
  for (auto& op : restore_operations(stray, target.payload_indexes))
    operations.push_back(std::move(op));
  if (qdrant_indexes != nullptr) {
    std::erase_if(operations,
                  [&](const auto& op) { return operation_visible(op, *qdrant_indexes); });
  }
  return operations;
}

}  // namespace

namespace_write_result namespace_writer::update(std::string_view namespace_id,
                                                const namespace_change& change,
                                                std::optional<std::int64_t> if_match,
                                                const namespace_model* snapshot,
                                                effects_gate* gate) {
  write_options options;
  options.if_match = if_match;
  options.snapshot = snapshot;
  options.gate = gate;
  return update(
      namespace_id, [&change](const change_context& context) { return change(context.current); },
      options);
}

namespace_write_result namespace_writer::update(std::string_view namespace_id,
                                                const namespace_change_in_context& change,
                                                const write_options& options) {
  auto verdict = judge_snapshot(change, options);
  if (verdict.answer) return std::move(*verdict.answer);
  namespace_write_result result;
  std::optional<qdrant_permit> permit;
  if (qdrant_ != nullptr && (verdict.needs_qdrant || options.read_qdrant_indexes)) {
    permit = reserve_qdrant(result);
    if (!permit) return result;
  }
  if (options.if_match) {
    // A stale ETag is answered at once, without queueing for the lock.
    auto current = registry_->get(namespace_id);
    if (!current) return failure(std::move(result), current.error());
    if (current->version != *options.if_match) {
      return mismatch(std::move(result), namespace_id, current->version, *options.if_match);
    }
  }
  auto lock = namespace_lock::acquire(registry_->pool(), registry_->keys().lock(namespace_id),
                                      options_.lock);
  if (!lock) return failure(std::move(result), lock.error());
  lock->keep_renewed();

  update_run run{
      *this, namespace_id, change, options, lock.value(), std::move(result), std::move(permit), {},
      {}};
  for (int i = 0; i < options_.max_attempts; ++i) {
    if (auto done = attempt(run)) return std::move(*done);
  }
  return gave_up(run);
}

std::optional<namespace_write_result> namespace_writer::attempt(update_run& run) {
  auto& result = run.result;
  auto read = registry_->get(run.namespace_id);
  if (!read) return failure(std::move(result), read.error());
  const namespace_model& current = read.value();
  result.collection = qdrant_collection_name(current);

  std::optional<boost::json::object> qdrant_indexes;
  if (run.options.read_qdrant_indexes && qdrant_ != nullptr) {
    auto info = qdrant_->collection_info(result.collection);
    if (!info && info.error().not_admitted() && run.touched.empty()) {
      return qdrant_refused(std::move(result), info.error());
    }
    if (!info) {
      run.settle(current.payload_indexes);
      result.status = write_status::qdrant_failed;
      result.qdrant_failure = info.error();
      result.message =
          "reading Qdrant collection '" + result.collection + "' failed: " + describe(info.error());
      return std::move(result);
    }
    qdrant_indexes = std::move(info.value().payload_schema);
  }
  if (run.options.if_match && current.version != *run.options.if_match) {
    run.settle(current.payload_indexes);
    return mismatch(std::move(result), run.namespace_id, current.version, *run.options.if_match);
  }

  auto outcome = run.change({current, qdrant_indexes ? &*qdrant_indexes : nullptr});
  if (auto* rejection = std::get_if<change_rejection>(&outcome)) {
    run.settle(current.payload_indexes);
    result.status = write_status::rejected;
    result.rejection = std::move(*rejection);
    result.message = "the change was refused";
    return std::move(result);
  }
  namespace_model target = std::get<namespace_model>(std::move(outcome));
  target.namespace_id = current.namespace_id;
  target.version = current.version;
  if (const auto to = qdrant_collection_name(target); to != result.collection) {
    run.settle(current.payload_indexes);
    result.status = write_status::rejected;
    result.rejection =
        std::vector<validation_error>{collection_change_error(current, result.collection, to)};
    result.message = "qdrant_collection cannot be changed";
    return std::move(result);
  }
  if (target == current) {
    run.settle(current.payload_indexes);
    result.status = write_status::unchanged;
    result.model = current;
    return std::move(result);
  }
  if (target.namespace_name != current.namespace_name) {
    // Checked before touching Qdrant; the store re-checks atomically.
    auto owner = registry_->id_for_name(target.namespace_name);
    if (!owner) {
      run.settle(current.payload_indexes);
      return failure(std::move(result), owner.error());
    }
    if (owner.value() && **owner != current.namespace_id) {
      run.settle(current.payload_indexes);
      result.status = write_status::name_taken;
      result.message = "Namespace name '" + target.namespace_name + "' is already in use";
      return std::move(result);
    }
  }
  auto operations =
      planned_operations(current, target, run.touched, qdrant_indexes ? &*qdrant_indexes : nullptr);
  return apply_and_store(run, current, target, operations);
}

std::optional<namespace_write_result> namespace_writer::apply_and_store(
    update_run& run, const namespace_model& current, const namespace_model& target,
    const std::vector<index_operation>& operations) {
  auto& result = run.result;
  if (!operations.empty() && qdrant_ != nullptr && !run.permit) {
    run.permit = reserve_qdrant(result);
    if (!run.permit) {
      run.settle(current.payload_indexes);
      return std::move(result);
    }
  }
  // The first Qdrant call or Redis write of this change.
  if (!may_begin_effects(run.options.gate)) {
    run.settle(current.payload_indexes);
    return expired(std::move(result));
  }
  std::vector<operation_report> reports;
  if (!operations.empty() && qdrant_ == nullptr) {
    log_info("qdrant not configured (catalog-only): index changes recorded without qdrant",
             {{"namespace_id", current.namespace_id},
              {"operations", static_cast<std::int64_t>(operations.size())}});
  } else if (!operations.empty()) {
    if (run.options.confirm_before_qdrant && !run.options.confirm_before_qdrant()) {
      return run.withdraw("before its Qdrant calls");
    }
    std::optional<qdrant_error> refused;
    reports = apply(result.collection, operations, &run.lock, &refused);
    if (refused && !any_touched(reports) && run.touched.empty()) {
      return qdrant_refused(std::move(result), *refused);
    }
    run.remember(reports);
    if (!all_applied(reports)) return store_applied_subset(run, current, target, reports);
  }

  result.reports = reports;
  if (run.options.confirm_before_store && !run.options.confirm_before_store()) {
    return run.withdraw("before the namespace was stored");
  }
  auto stored = registry_->store(target, current.version);
  if (stored) {
    result.status = write_status::stored;
    result.model = std::move(stored).value();
    return std::move(result);
  }
  if (stored.error().code == registry_errc::version_mismatch) {
    // Another writer got in (one that does not take the lock, or after ours expired): re-read
    // and apply the change to what it stored.
    run.last_error = stored.error();
    return std::nullopt;
  }
  if (stored.error().code != registry_errc::not_found) run.settle(current.payload_indexes);
  return failure(std::move(result), stored.error());
}

namespace_write_result namespace_writer::store_applied_subset(
    update_run& run, const namespace_model& current, const namespace_model& target,
    const std::vector<operation_report>& reports) {
  auto& result = run.result;
  result.status = write_status::qdrant_failed;
  result.reports = reports;
  result.message = failure_message(result.collection, reports);
  namespace_model partial = current;
  partial.payload_indexes = fold_reports(current.payload_indexes, reports);
  if (partial.payload_indexes == current.payload_indexes) {
    result.model = current;
    return std::move(result);
  }
  if (run.options.confirm_before_store && !run.options.confirm_before_store()) {
    return run.withdraw("before the namespace was stored");
  }
  partial.updated_at = target.updated_at;
  auto stored = registry_->store(std::move(partial), current.version);
  if (stored) {
    result.model = std::move(stored).value();
  } else {
    log_error("could not record the index changes qdrant applied",
              {{"namespace_id", current.namespace_id}, {"error", stored.error().message}});
    run.settle(current.payload_indexes);
  }
  return std::move(result);
}

namespace_write_result namespace_writer::gave_up(update_run& run) {
  // Bring the touched fields in line with whatever is stored now.
  if (auto fresh = registry_->get(run.namespace_id); fresh) run.settle(fresh->payload_indexes);
  auto& result = run.result;
  result.status = write_status::busy;
  result.message = "Namespace '" + std::string(run.namespace_id) + "' kept changing during " +
                   std::to_string(options_.max_attempts) + " attempts" +
                   (run.last_error ? ": " + run.last_error->message : std::string());
  return std::move(result);
}

namespace_writer_options namespace_writer_options_from(const config& cfg) {
  namespace_writer_options options;
  options.lock.lease =
      std::min(options.lock.lease, cfg.qdrant.index_timeout + cfg.qdrant.request_timeout);
  options.lock.acquire_timeout = cfg.redis.command_timeout;
  options.lock.wait =
      std::min<std::chrono::milliseconds>(std::chrono::seconds(10), cfg.http.request_timeout / 2);
  return options;
}

}  // namespace index_optimizer
