#include "support/qdrant_agreement.hpp"

#include <boost/json/serialize.hpp>

#include <set>
#include <string>
#include <vector>

#include "namespace_model/payload_index_config.hpp"

namespace index_optimizer::testing {
namespace {

::testing::AssertionResult compare(const boost::json::value& ns,
                                   const boost::json::object& payload_schema, bool exact) {
  const auto* indexes = ns.is_object() ? ns.as_object().if_contains("payload_indexes") : nullptr;
  if (indexes == nullptr || !indexes->is_array()) {
    return ::testing::AssertionFailure() << "not a namespace: " << boost::json::serialize(ns);
  }
  std::set<std::string> stored;
  for (const auto& entry : indexes->as_array()) {
    std::vector<validation_error> errors;
    auto config = parse_payload_index_config(entry, {}, errors, json_source::stored);
    if (!config) return ::testing::AssertionFailure() << "unparsable index " << entry;
    stored.insert(config->field_name);
    const auto* in_qdrant = payload_schema.if_contains(config->field_name);
    if (in_qdrant == nullptr) {
      return ::testing::AssertionFailure()
             << "namespace claims '" << config->field_name << "', Qdrant has no such index";
    }
    if (!qdrant_schema_matches(*config, *in_qdrant)) {
      return ::testing::AssertionFailure() << "'" << config->field_name << "': namespace " << entry
                                           << " vs Qdrant " << *in_qdrant;
    }
  }
  if (exact) {
    for (const auto& [field, _] : payload_schema) {
      if (!stored.contains(std::string(field))) {
        return ::testing::AssertionFailure()
               << "Qdrant has '" << std::string(field) << "', the namespace does not";
      }
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

::testing::AssertionResult namespace_matches_qdrant(const boost::json::value& ns,
                                                    const boost::json::object& payload_schema) {
  return compare(ns, payload_schema, true);
}

::testing::AssertionResult namespace_claims_only_qdrant_indexes(
    const boost::json::value& ns, const boost::json::object& payload_schema) {
  return compare(ns, payload_schema, false);
}

}  // namespace index_optimizer::testing
