#include "namespace_writer/index_changes.hpp"

#include <algorithm>

#include "namespace_model/namespace_model.hpp"

namespace index_optimizer {

std::string_view to_string(index_action action) noexcept {
  switch (action) {
    case index_action::create:
      return "create";
    case index_action::delete_:
      return "delete";
    case index_action::recreate:
      return "recreate";
  }
  return "unknown";
}

std::string_view to_string(operation_outcome outcome) noexcept {
  switch (outcome) {
    case operation_outcome::applied:
      return "applied";
    case operation_outcome::failed:
      return "failed";
    case operation_outcome::unknown:
      return "unknown";
    case operation_outcome::not_attempted:
      return "not_attempted";
    case operation_outcome::pending:
      return "pending";
    case operation_outcome::not_sent:
      return "not_sent";
  }
  return "unknown";
}

std::vector<index_operation> index_operations(const index_diff& diff) {
  std::vector<index_operation> out;
  out.reserve(diff.to_create.size() + diff.to_delete.size() + diff.to_recreate.size());
  for (const auto& index : diff.to_create)
    out.push_back({index_action::create, index});
  for (const auto& index : diff.to_delete)
    out.push_back({index_action::delete_, index});
  for (const auto& index : diff.to_recreate)
    out.push_back({index_action::recreate, index});
  return out;
}

bool operation_visible(const index_operation& operation,
                       const boost::json::object& payload_schema) {
  const auto* entry = payload_schema.if_contains(operation.index.field_name);
  if (operation.action == index_action::delete_) return entry == nullptr;
  return entry != nullptr && qdrant_schema_matches(operation.index, *entry);
}

bool touched_qdrant(const operation_report& report) noexcept {
  return report.outcome == operation_outcome::applied ||
         report.outcome == operation_outcome::unknown ||
         report.outcome == operation_outcome::pending;
}

std::vector<payload_index_config> fold_reports(std::vector<payload_index_config> indexes,
                                               const std::vector<operation_report>& reports) {
  const auto remove = [&](const std::string& field) {
    std::erase_if(indexes, [&](const auto& index) { return index.field_name == field; });
  };
  for (const auto& report : reports) {
    const auto& op = report.operation;
    if (report.outcome == operation_outcome::unknown ||
        report.outcome == operation_outcome::pending) {
      remove(op.index.field_name);
      continue;
    }
    if (report.outcome != operation_outcome::applied) continue;
    if (op.action == index_action::delete_) {
      remove(op.index.field_name);
      continue;
    }
    const auto it = std::find_if(indexes.begin(), indexes.end(), [&](const auto& index) {
      return index.field_name == op.index.field_name;
    });
    if (it == indexes.end()) {
      indexes.push_back(op.index);
    } else {
      *it = op.index;
    }
  }
  return indexes;
}

std::vector<index_operation> restore_operations(const std::vector<operation_report>& reports,
                                                const std::vector<payload_index_config>& target) {
  std::vector<index_operation> out;
  std::vector<std::string> seen;
  for (const auto& report : reports) {
    if (!touched_qdrant(report)) continue;
    const auto& field = report.operation.index.field_name;
    if (std::find(seen.begin(), seen.end(), field) != seen.end()) continue;
    seen.push_back(field);
    const auto it = std::find_if(target.begin(), target.end(),
                                 [&](const auto& index) { return index.field_name == field; });
    if (it == target.end()) {
      out.push_back({index_action::delete_, report.operation.index});
    } else {
      out.push_back({index_action::recreate, *it});
    }
  }
  return out;
}

bool all_applied(const std::vector<operation_report>& reports) noexcept {
  return std::all_of(reports.begin(), reports.end(),
                     [](const auto& r) { return r.outcome == operation_outcome::applied; });
}

bool any_touched(const std::vector<operation_report>& reports) noexcept {
  return std::any_of(reports.begin(), reports.end(),
                     [](const auto& r) { return touched_qdrant(r); });
}

boost::json::object to_json(const std::vector<operation_report>& reports) {
  boost::json::object out{
      {"applied", boost::json::array{}},  {"pending", boost::json::array{}},
      {"failed", boost::json::array{}},   {"unknown", boost::json::array{}},
      {"not_sent", boost::json::array{}}, {"not_attempted", boost::json::array{}}};
  for (const auto& report : reports) {
    const auto& op = report.operation;
    boost::json::object entry{{"field_name", op.index.field_name},
                              {"action", to_string(op.action)},
                              {"type", to_string(op.index.type)}};
    if (op.action != index_action::delete_) entry["field_schema"] = qdrant_field_schema(op.index);
    if (!report.error.empty()) entry["error"] = report.error;
    if (report.outcome == operation_outcome::pending && report.answer) {
      entry["qdrant_status"] = report.answer->status;
    }
    out[to_string(report.outcome)].as_array().emplace_back(std::move(entry));
  }
  return out;
}

}  // namespace index_optimizer
