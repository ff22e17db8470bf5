#include "optimizer/run_record.hpp"

#include <boost/json/array.hpp>

#include "text/rfc3339_time.hpp"

namespace index_optimizer {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

struct step_counts {
  std::int64_t created = 0;
  std::int64_t adopted = 0;
  std::int64_t failed = 0;
  std::int64_t skipped = 0;
  std::int64_t planned = 0;
  std::int64_t not_attempted = 0;

  void add(field_result result) {
    switch (result) {
      case field_result::created:
        ++created;
        break;
      case field_result::adopted:
        ++adopted;
        break;
      case field_result::failed:
        ++failed;
        break;
      case field_result::skipped:
        ++skipped;
        break;
      case field_result::planned:
        ++planned;
        break;
      case field_result::not_attempted:
        ++not_attempted;
        break;
    }
  }

  void emplace_into(object& out) const {
    out.emplace("created", created);
    out.emplace("adopted", adopted);
    out.emplace("failed", failed);
    out.emplace("skipped", skipped);
    out.emplace("planned", planned);
    out.emplace("not_attempted", not_attempted);
  }
};

value optional_time(const std::optional<std::chrono::system_clock::time_point>& time) {
  if (!time) return nullptr;
  return value(format_rfc3339(*time));
}

value optional_text(std::string_view text) {
  if (text.empty()) return nullptr;
  return value(text);
}

array string_array(const std::vector<std::string>& items) {
  array out;
  for (const auto& item : items)
    out.emplace_back(item);
  return out;
}

object settings_json(const plan_settings& s) {
  object out;
  out.emplace("threshold", s.threshold);
  out.emplace("max_indexes_per_run", s.max_indexes_per_run);
  out.emplace("max_indexes_per_namespace", s.max_indexes_per_namespace);
  out.emplace("max_payload_indexes", s.max_payload_indexes);
  out.emplace("max_points", s.max_points);
  out.emplace("deny_fields", string_array(s.deny_fields));
  out.emplace("allow_fields", string_array(s.allow_fields));
  out.emplace("tenant_fields", string_array(s.tenant_fields));
  return out;
}

object step_json(const field_step& step) {
  object out = to_json(step.decision);
  out.emplace("result", to_string(step.result));
  out.emplace("error", optional_text(step.error));
  if (step.qdrant) {
    out.emplace("qdrant", *step.qdrant);
  } else {
    out.emplace("qdrant", nullptr);
  }
  return out;
}

object namespace_json(const namespace_run& ns) {
  object out;
  out.emplace("namespace_id", ns.namespace_id);
  out.emplace("namespace_name", ns.namespace_name);
  out.emplace("collection", ns.collection);
  out.emplace("status", to_string(ns.status));
  out.emplace("error", optional_text(ns.error));
  if (ns.points_count) {
    out.emplace("points_count", *ns.points_count);
  } else {
    out.emplace("points_count", nullptr);
  }
  step_counts counts;
  array decisions;
  for (const auto& step : ns.fields) {
    counts.add(step.result);
    decisions.emplace_back(step_json(step));
  }
  object omitted;
  for (const auto& [reason, count] : ns.omitted_skips) {
    counts.skipped += count;
    omitted.emplace(to_string(reason), count);
  }
  object counts_json;
  counts.emplace_into(counts_json);
  out.emplace("counts", std::move(counts_json));
  out.emplace("decisions", std::move(decisions));
  out.emplace("omitted_decisions", std::move(omitted));
  return out;
}

std::string_view run_message(const run_record& run) {
  if (run.dry_run) return "Dry run: decisions were recorded; no index or namespace was changed.";
  if (run.catalog_only) {
    return "Catalog-only mode (no Qdrant configured): decisions update the namespace registry "
           "and this history; no Qdrant index was created.";
  }
  return "Indexes were created in Qdrant first and then added to their namespaces.";
}

}  // namespace

std::string_view to_string(run_trigger trigger) noexcept {
  return trigger == run_trigger::api ? "api" : "schedule";
}

std::string_view to_string(run_status status) noexcept {
  switch (status) {
    case run_status::running:
      return "running";
    case run_status::succeeded:
      return "succeeded";
    case run_status::partial:
      return "partial";
    case run_status::failed:
      return "failed";
    case run_status::abandoned:
      return "abandoned";
    case run_status::interrupted:
      return "interrupted";
  }
  return "failed";
}

std::string_view to_string(field_result result) noexcept {
  switch (result) {
    case field_result::created:
      return "created";
    case field_result::adopted:
      return "adopted";
    case field_result::failed:
      return "failed";
    case field_result::skipped:
      return "skipped";
    case field_result::planned:
      return "planned";
    case field_result::not_attempted:
      return "not_attempted";
  }
  return "skipped";
}

std::string_view to_string(namespace_status status) noexcept {
  switch (status) {
    case namespace_status::planned:
      return "planned";
    case namespace_status::done:
      return "done";
    case namespace_status::failed:
      return "failed";
    case namespace_status::skipped:
      return "skipped";
  }
  return "failed";
}

object run_totals(const run_record& run) {
  step_counts counts;
  std::int64_t fields = 0;
  std::int64_t failed_namespaces = 0;
  for (const auto& ns : run.namespaces) {
    if (ns.status == namespace_status::failed) ++failed_namespaces;
    for (const auto& step : ns.fields) {
      ++fields;
      counts.add(step.result);
    }
    for (const auto& [reason, count] : ns.omitted_skips) {
      fields += count;
      counts.skipped += count;
    }
  }
  object out;
  out.emplace("namespaces", static_cast<std::int64_t>(run.namespaces.size()));
  out.emplace("namespaces_failed", failed_namespaces);
  out.emplace("fields", fields);
  counts.emplace_into(out);
  return out;
}

object to_json(const run_record& run) {
  object out;
  out.emplace("run_id", run.run_id);
  out.emplace("status", to_string(run.status));
  out.emplace("trigger", to_string(run.trigger));
  out.emplace("dry_run", run.dry_run);
  out.emplace("mode", run.catalog_only ? "catalog_only" : "qdrant");
  out.emplace("message", run_message(run));
  out.emplace("leader", run.leader);
  out.emplace("fence", run.fence);
  out.emplace("started_at", format_rfc3339(run.started_at));
  out.emplace("finished_at", optional_time(run.finished_at));
  if (run.finished_at) {
    out.emplace("duration_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                   *run.finished_at - run.started_at)
                                   .count());
  } else {
    out.emplace("duration_ms", nullptr);
  }
  if (run.requested_namespaces) {
    out.emplace("requested_namespaces", string_array(*run.requested_namespaces));
  } else {
    out.emplace("requested_namespaces", nullptr);
  }
  out.emplace("qdrant_version", run.qdrant_version ? value(*run.qdrant_version) : value(nullptr));
  out.emplace("settings", settings_json(run.settings));
  out.emplace("totals", run_totals(run));
  out.emplace("error", optional_text(run.error));
  array namespaces;
  for (const auto& ns : run.namespaces)
    namespaces.emplace_back(namespace_json(ns));
  out.emplace("namespaces", std::move(namespaces));
  return out;
}

object run_summary(object record) {
  if (auto* namespaces = record.if_contains("namespaces"); namespaces && namespaces->is_array()) {
    for (auto& ns : namespaces->get_array()) {
      if (auto* entry = ns.if_object()) entry->erase("decisions");
    }
  }
  return record;
}

object mark_abandoned(object record, std::chrono::system_clock::time_point now,
                      std::string_view taken_over_by) {
  const auto* status = record.if_contains("status");
  if (status == nullptr || !status->is_string() || status->get_string() != "running") {
    return record;
  }
  record["status"] = "abandoned";
  record["finished_at"] = format_rfc3339(now);
  std::string leader;
  if (const auto* l = record.if_contains("leader"); l && l->is_string()) leader = l->get_string();
  record["error"] = "the leader (" + leader +
                    ") lost its lease before finishing: it stopped, stalled or lost Redis. "
                    "Instance " +
                    std::string(taken_over_by) +
                    " took over; fields not reached are decided again by the next run";
  return record;
}

}  // namespace index_optimizer
