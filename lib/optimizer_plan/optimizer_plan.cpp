#include "optimizer_plan/optimizer_plan.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "namespace_model/protected_indexes.hpp"
#include "optimizer_plan/index_choice.hpp"
#include "text/glob_pattern.hpp"

namespace index_optimizer {
namespace {

std::string count_words(std::uint64_t count) {
  return std::to_string(count) + (count == 1 ? " query" : " queries");
}

// The decision for one field before caps: a skip, an adoption, or a candidate (create).
field_decision judge_field(const namespace_plan_input& input, const field_evidence& evidence,
                           const plan_settings& settings) {
  field_decision d;
  d.evidence = evidence;
  d.chosen_type = choose_index_type(evidence.type_votes);
  const std::string& path = evidence.path;

  const auto* listed = find_index(input.space, path);
  if (is_system_field(path) || (listed != nullptr && is_protected_index(*listed))) {
    d.reason = decision_reason::protected_or_system;
    d.detail =
        "'" + path + "' is a system field or has a protected index; only the system manages it";
    return d;
  }
  if (listed != nullptr) {
    d.reason = decision_reason::already_indexed;
    d.detail = "the namespace already has a " + std::string(to_string(listed->type)) +
               " index on '" + path + "'";
    return d;
  }
  if (glob_match_any(settings.deny_fields, path)) {
    d.reason = decision_reason::denied_by_pattern;
    d.detail = "'" + path + "' matches optimizer.deny_fields";
    return d;
  }
  if (!settings.allow_fields.empty() && !glob_match_any(settings.allow_fields, path)) {
    d.reason = decision_reason::denied_by_pattern;
    d.detail = "'" + path + "' matches none of optimizer.allow_fields";
    return d;
  }
  if (evidence.count <= settings.threshold) {
    d.reason = decision_reason::below_threshold;
    d.detail = count_words(evidence.count) + " in the window, not above the threshold " +
               std::to_string(settings.threshold);
    return d;
  }
  if (input.collection) {
    if (const auto* entry = input.collection->payload_schema.if_contains(path)) {
      d.reason = decision_reason::already_in_qdrant;
      d.index = index_from_payload_schema(path, *entry);
      if (d.index) {
        d.action = decision_action::adopt;
        d.detail = "Qdrant already has a " + std::string(to_string(d.index->type)) + " index on '" +
                   path + "'; it is added to the namespace as it is";
      } else {
        d.detail = "Qdrant already has an index on '" + path +
                   "' whose schema a PayloadIndexConfig cannot express; left to an operator";
      }
      return d;
    }
  }
  if (d.chosen_type == index_type::unknown) {
    d.reason = decision_reason::unknown_type;
    d.detail = "no condition on '" + path +
               "' told its type (templates, dynamic values, exists/is_null, regex)";
    return d;
  }
  if (input.collection && settings.max_points > 0 && input.collection->points_count &&
      *input.collection->points_count > settings.max_points) {
    d.reason = decision_reason::collection_too_large;
    d.detail = "collection has " + std::to_string(*input.collection->points_count) +
               " points, above optimizer.max_points " + std::to_string(settings.max_points);
    return d;
  }
  d.action = decision_action::create;
  d.reason = decision_reason::above_threshold;
  d.detail = count_words(evidence.count) + " in the window, above the threshold " +
             std::to_string(settings.threshold);
  d.index = index_for_evidence(
      evidence, d.chosen_type,
      {.tenant = glob_match_any(settings.tenant_fields, path),
       .server_version = input.collection ? settings.server_version : std::nullopt});
  return d;
}

// How many indexes the collection holds counting the namespace's list and Qdrant's
// payload_schema together: a field indexed in both counts once.
std::size_t index_total(const namespace_plan_input& input) {
  std::set<std::string> fields;
  for (const auto& index : input.space.payload_indexes)
    fields.insert(index.field_name);
  if (input.collection) {
    for (const auto& [field, entry] : input.collection->payload_schema)
      fields.insert(std::string(field));
  }
  return fields.size();
}

void skip_for_cap(field_decision& d, decision_reason reason, std::string detail) {
  d.action = decision_action::skip;
  d.reason = reason;
  d.detail = std::move(detail);
  d.index.reset();
}

}  // namespace

plan_settings make_plan_settings(const optimizer_config& optimizer,
                                 const namespaces_config& namespaces) {
  plan_settings s;
  s.threshold = optimizer.threshold;
  s.max_indexes_per_run = optimizer.max_indexes_per_run;
  s.max_indexes_per_namespace = optimizer.max_indexes_per_namespace;
  s.max_payload_indexes = namespaces.max_payload_indexes;
  s.max_points = optimizer.max_points;
  s.deny_fields = optimizer.deny_fields;
  s.allow_fields = optimizer.allow_fields;
  s.tenant_fields = optimizer.tenant_fields;
  return s;
}

std::string_view to_string(decision_action action) noexcept {
  switch (action) {
    case decision_action::create:
      return "create";
    case decision_action::adopt:
      return "adopt";
    case decision_action::skip:
      return "skip";
  }
  return "skip";
}

std::string_view to_string(decision_reason reason) noexcept {
  switch (reason) {
    case decision_reason::above_threshold:
      return "above_threshold";
    case decision_reason::already_in_qdrant:
      return "already_in_qdrant";
    case decision_reason::below_threshold:
      return "below_threshold";
    case decision_reason::already_indexed:
      return "already_indexed";
    case decision_reason::protected_or_system:
      return "protected_or_system";
    case decision_reason::denied_by_pattern:
      return "denied_by_pattern";
    case decision_reason::unknown_type:
      return "unknown_type";
    case decision_reason::namespace_cap_reached:
      return "namespace_cap_reached";
    case decision_reason::run_cap_reached:
      return "run_cap_reached";
    case decision_reason::collection_too_large:
      return "collection_too_large";
  }
  return "unknown";
}

std::size_t namespace_plan::count(decision_action action) const noexcept {
  return static_cast<std::size_t>(std::count_if(decisions.begin(), decisions.end(),
                                                [&](const auto& d) { return d.action == action; }));
}

std::vector<namespace_plan> plan_run(const std::vector<namespace_plan_input>& inputs,
                                     const plan_settings& settings) {
  std::vector<namespace_plan> plans;
  plans.reserve(inputs.size());
  for (const auto& input : inputs) {
    namespace_plan plan;
    plan.namespace_id = input.space.namespace_id;
    plan.namespace_name = input.space.namespace_name;
    plan.collection = qdrant_collection_name(input.space);
    plan.decisions.reserve(input.fields.size());
    for (const auto& evidence : input.fields)
      plan.decisions.push_back(judge_field(input, evidence, settings));
    std::sort(plan.decisions.begin(), plan.decisions.end(), [](const auto& a, const auto& b) {
      if (a.evidence.count != b.evidence.count) return a.evidence.count > b.evidence.count;
      return a.evidence.path < b.evidence.path;
    });
    plans.push_back(std::move(plan));
  }

  // Candidates of every namespace ranked together, so the run's budget goes to the busiest
  // fields wherever they are.
  struct candidate {
    std::size_t space;
    std::size_t decision;
  };
  std::vector<candidate> candidates;
  for (std::size_t s = 0; s < plans.size(); ++s) {
    for (std::size_t i = 0; i < plans[s].decisions.size(); ++i) {
      if (plans[s].decisions[i].action == decision_action::create) candidates.push_back({s, i});
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(), [&](const auto& a, const auto& b) {
    const auto& da = plans[a.space].decisions[a.decision];
    const auto& db = plans[b.space].decisions[b.decision];
    if (da.evidence.count != db.evidence.count) return da.evidence.count > db.evidence.count;
    return a.space < b.space;  // decisions within a namespace are already by path
  });

  std::vector<int> created(plans.size(), 0);
  std::vector<std::size_t> totals;
  totals.reserve(inputs.size());
  for (const auto& input : inputs)
    totals.push_back(index_total(input));
  int run_created = 0;
  for (const auto& c : candidates) {
    auto& d = plans[c.space].decisions[c.decision];
    if (created[c.space] >= settings.max_indexes_per_namespace) {
      skip_for_cap(d, decision_reason::namespace_cap_reached,
                   "already " + std::to_string(created[c.space]) +
                       " new indexes for this namespace in this run "
                       "(optimizer.max_indexes_per_namespace)");
    } else if (settings.max_payload_indexes > 0 &&
               totals[c.space] >= static_cast<std::size_t>(settings.max_payload_indexes)) {
      skip_for_cap(d, decision_reason::namespace_cap_reached,
                   "the collection would exceed " + std::to_string(settings.max_payload_indexes) +
                       " payload indexes (namespaces.max_payload_indexes)");
    } else if (run_created >= settings.max_indexes_per_run) {
      skip_for_cap(d, decision_reason::run_cap_reached,
                   "already " + std::to_string(run_created) +
                       " new indexes in this run (optimizer.max_indexes_per_run)");
    } else {
      ++created[c.space];
      ++totals[c.space];
      ++run_created;
    }
  }
  return plans;
}

boost::json::object to_json(const field_decision& decision) {
  boost::json::object out;
  out.emplace("field_name", decision.evidence.path);
  out.emplace("action", to_string(decision.action));
  out.emplace("reason", to_string(decision.reason));
  out.emplace("detail", decision.detail);
  out.emplace("index_type", decision.chosen_type == index_type::unknown
                                ? boost::json::value(nullptr)
                                : boost::json::value(to_string(decision.chosen_type)));
  if (decision.index) {
    out.emplace("index", to_api_json(*decision.index));
    out.emplace("field_schema", qdrant_field_schema(*decision.index));
  } else {
    out.emplace("index", nullptr);
    out.emplace("field_schema", nullptr);
  }
  out.emplace("evidence", to_json(decision.evidence));
  return out;
}

}  // namespace index_optimizer
