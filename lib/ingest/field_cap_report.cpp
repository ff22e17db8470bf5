#include "ingest/field_cap_report.hpp"

#include "ops/logger.hpp"

namespace index_optimizer {

std::vector<field_cap_warning> field_cap_log_limiter::add(
    const std::vector<field_cap_report>& reports, clock::time_point now) {
  std::vector<field_cap_warning> due;
  for (const auto& report : reports) {
    if (report.refused_paths == 0) continue;
    if (namespaces_.size() >= k_max_tracked && !namespaces_.contains(report.namespace_id)) {
      namespaces_.clear();
    }
    auto& entry = namespaces_[report.namespace_id];
    auto& warning = entry.warning;
    warning.namespace_id = report.namespace_id;
    warning.fields = report.fields;
    warning.refused_paths += report.refused_paths;
    warning.refused_observations += report.refused_observations;
    if (entry.warned && now - entry.last_warned < interval_) continue;
    due.push_back(warning);
    entry.warned = true;
    entry.last_warned = now;
    warning.refused_paths = 0;
    warning.refused_observations = 0;
  }
  return due;
}

void report_field_caps(const std::vector<field_cap_report>& reports,
                       const stream_ingest_metrics& metrics, std::string_view stream,
                       std::int64_t max_fields, field_cap_log_limiter& limiter,
                       field_cap_log_limiter::clock::time_point now) {
  for (const auto& report : reports) {
    const prometheus::Labels labels{{"stream", std::string(stream)},
                                    {"namespace", report.namespace_id}};
    if (metrics.namespace_fields != nullptr) {
      metrics.namespace_fields->Add(labels).Set(static_cast<double>(report.fields));
    }
    if (metrics.field_overflow != nullptr && report.refused_observations > 0) {
      metrics.field_overflow->Add(labels).Increment(
          static_cast<double>(report.refused_observations));
    }
  }
  for (const auto& warning : limiter.add(reports, now)) {
    log_warn(
        "ingest: a namespace reached ingest.max_fields_per_namespace; its new fields are counted "
        "together in its overflow entry (usage shows field_overflow). Fix the producer that "
        "invents field names, or raise the cap",
        {{"stream", stream},
         {"namespace", warning.namespace_id},
         {"fields", warning.fields},
         {"max_fields_per_namespace", max_fields},
         {"refused_fields", warning.refused_paths},
         {"refused_observations", warning.refused_observations}});
  }
}

}  // namespace index_optimizer
