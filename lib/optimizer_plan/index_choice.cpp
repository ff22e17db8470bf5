#include "optimizer_plan/index_choice.hpp"

#include <array>
#include <utility>
#include <vector>

#include "base/validation_error.hpp"

namespace index_optimizer {
namespace {

// One pool of types a single index serves, in tie-break order.
struct type_pool {
  index_type wide;    // chosen when any vote is for it
  index_type narrow;  // chosen when every vote of the pool is for it
};

constexpr std::array<type_pool, 6> k_pools{{
    {index_type::keyword, index_type::uuid},
    {index_type::float_, index_type::integer},
    {index_type::datetime, index_type::datetime},
    {index_type::bool_, index_type::bool_},
    {index_type::geo, index_type::geo},
    {index_type::text, index_type::text},
}};

std::uint64_t votes_for(const std::map<index_type, std::uint64_t>& votes, index_type type) {
  const auto it = votes.find(type);
  return it == votes.end() ? 0 : it->second;
}

}  // namespace

index_type choose_index_type(const std::map<index_type, std::uint64_t>& type_votes) {
  index_type best = index_type::unknown;
  std::uint64_t best_votes = 0;
  for (const auto& pool : k_pools) {
    const std::uint64_t wide = votes_for(type_votes, pool.wide);
    const std::uint64_t total =
        pool.wide == pool.narrow ? wide : wide + votes_for(type_votes, pool.narrow);
    // Strictly more: on a tie the earlier pool keeps the place.
    if (total > best_votes) {
      best_votes = total;
      best = wide > 0 ? pool.wide : pool.narrow;
    }
  }
  return best;
}

payload_index_config index_for_evidence(const field_evidence& evidence, index_type type,
                                        const index_choice_options& options) {
  payload_index_config index;
  index.field_name = evidence.path;
  index.type = type;
  boost::json::object params;
  switch (type) {
    case index_type::keyword:
      if (options.tenant) params.emplace("is_tenant", true);
      if (has_kind(evidence.kinds, condition_kind::prefix) && options.server_version &&
          *options.server_version >= qdrant_version{1, 19}) {
        params.emplace("prefix", true);
      }
      break;
    case index_type::uuid:
      if (options.tenant) params.emplace("is_tenant", true);
      break;
    case index_type::integer: {
      const bool lookup = has_kind(evidence.kinds, condition_kind::match) ||
                          has_kind(evidence.kinds, condition_kind::any);
      const bool range = has_kind(evidence.kinds, condition_kind::range);
      // Both or neither: Qdrant's default builds both structures.
      if (lookup != range) {
        params.emplace("lookup", lookup);
        params.emplace("range", range);
      }
      break;
    }
    case index_type::text:
      if (has_kind(evidence.kinds, condition_kind::phrase)) params.emplace("phrase_matching", true);
      break;
    default:
      break;
  }
  if (!params.empty()) {
    boost::json::object schema;
    schema.emplace("type", to_string(type));
    for (auto& [key, v] : params)
      schema.emplace(key, std::move(v));
    index.field_schema = std::move(schema);
  }
  return index;
}

std::optional<payload_index_config> index_from_payload_schema(
    std::string field_name, const boost::json::value& payload_schema_entry) {
  const auto* entry = payload_schema_entry.if_object();
  if (entry == nullptr) return std::nullopt;
  const auto* data_type = entry->if_contains("data_type");
  if (data_type == nullptr || !data_type->is_string()) return std::nullopt;
  const auto type = parse_index_type(data_type->get_string());
  if (!type) return std::nullopt;

  payload_index_config index;
  index.field_name = std::move(field_name);
  index.type = *type;
  if (const auto* params = entry->if_contains("params"); params && !params->is_null()) {
    const auto* object = params->if_object();
    if (object == nullptr) return std::nullopt;
    // Qdrant echoes unset params as null; the stored config keeps only what is set.
    boost::json::object schema;
    schema.emplace("type", to_string(*type));
    for (const auto& [key, v] : *object) {
      if (key != "type" && !v.is_null()) schema.emplace(key, v);
    }
    std::vector<validation_error> errors;
    validate_field_schema(*type, schema, error_location{}, errors);
    if (!errors.empty()) return std::nullopt;
    index.field_schema = std::move(schema);
  }
  // The config must re-create exactly what Qdrant shows, or adding it would make the next PATCH
  // rebuild the index (e.g. `{"type": "integer"}` with no params cannot be told from "integer").
  if (!qdrant_schema_matches(index, payload_schema_entry)) return std::nullopt;
  return index;
}

}  // namespace index_optimizer
