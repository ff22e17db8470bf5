#pragma once

// One optimizer run as the history keeps it: who ran it, when, in which mode, and for every
// namespace every field decision with its evidence and what became of it. Pure values and their
// JSON (the shape GET /v1/optimizer/runs/{run_id} answers with; docs/optimizer.md).

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "optimizer_plan/optimizer_plan.hpp"

namespace index_optimizer {

enum class run_trigger { schedule, api };

enum class run_status {
  running,
  succeeded,    // every namespace and every planned change done (or, dry run, planned)
  partial,      // finished, but some namespace or change failed or was refused: retried next run
  failed,       // nothing could be planned (the namespace registry was unreachable)
  abandoned,    // the leader lost its lease before finishing (died, stalled, Redis lost)
  interrupted,  // the instance shut down mid-run; the rest waits for the next run
};

enum class field_result {
  created,        // Qdrant built the index and the namespace lists it
  adopted,        // the namespace now lists the index Qdrant already had
  failed,         // Qdrant or the registry refused or failed; nothing claimed, retried next run
  skipped,        // the plan skipped it (see reason), or the namespace got the field meanwhile
  planned,        // dry run: would have been created/adopted
  not_attempted,  // the run stopped before it, or Qdrant refused it unsent (breaker, bulkhead)
};

std::string_view to_string(run_trigger trigger) noexcept;
std::string_view to_string(run_status status) noexcept;
std::string_view to_string(field_result result) noexcept;

struct field_step {
  field_decision decision;
  field_result result = field_result::skipped;
  std::string error;  // failed / not_attempted / skipped at execution: why
  // The Qdrant exchange for this field: {"operation_id", "status"} on success,
  // {"error": {"kind", "status", "message", "request_sent"}} on failure; null when Qdrant was not
  // called.
  std::optional<boost::json::object> qdrant;
};

enum class namespace_status {
  planned,  // decisions made, not executed yet
  done,     // executed (some fields may still have failed)
  failed,   // could not be planned: window, Qdrant collection or registry unavailable
  skipped,  // requested by name but not eligible (auto_create_indexes off, not found)
};
std::string_view to_string(namespace_status status) noexcept;

struct namespace_run {
  std::string namespace_id;
  std::string namespace_name;
  std::string collection;
  namespace_status status = namespace_status::planned;
  std::string error;
  std::optional<std::uint64_t> points_count;  // as Qdrant reported it when planning
  std::vector<field_step> fields;
  // Skip decisions past k_recorded_skips_per_namespace, not kept in `fields`, by reason: they
  // count in the totals, so a namespace with thousands of fields keeps a bounded record.
  std::map<decision_reason, std::int64_t> omitted_skips;
};

// Skip decisions a namespace's record keeps (the most used fields first); every create and
// adopt decision is kept.
inline constexpr std::size_t k_recorded_skips_per_namespace = 200;

struct run_record {
  std::string run_id;
  run_status status = run_status::running;
  run_trigger trigger = run_trigger::schedule;
  bool dry_run = false;
  bool catalog_only = false;
  std::string leader;  // instance id of the lease holder that ran it
  std::int64_t fence = 0;
  std::chrono::system_clock::time_point started_at;
  std::optional<std::chrono::system_clock::time_point> finished_at;
  std::optional<std::vector<std::string>> requested_namespaces;
  std::optional<std::string> qdrant_version;
  plan_settings settings;
  std::vector<namespace_run> namespaces;
  std::string error;  // run-level failure
};

// Counts over every namespace: {"namespaces", "namespaces_failed", "fields", "created",
// "adopted", "failed", "skipped", "planned", "not_attempted"}.
boost::json::object run_totals(const run_record& run);

// The full record: {"run_id", "status", "trigger", "dry_run", "mode" ("qdrant" |
// "catalog_only"), "message", "leader", "fence", "started_at", "finished_at",
// "duration_ms", "requested_namespaces", "qdrant_version", "settings", "totals",
// "error", "namespaces": [{"namespace_id", "namespace_name", "collection", "status", "error",
// "points_count", "counts", "decisions": [decision + "result", "error", "qdrant"],
// "omitted_decisions": {reason: count}}]}.
boost::json::object to_json(const run_record& run);

// A stored record without the per-field decisions (for listings).
boost::json::object run_summary(boost::json::object record);

// A stored record of a run whose leader lost its lease while it was running: status
// "abandoned", finished_at `now`, the error saying so. Records already finished are unchanged.
boost::json::object mark_abandoned(boost::json::object record,
                                   std::chrono::system_clock::time_point now,
                                   std::string_view taken_over_by);

}  // namespace index_optimizer
