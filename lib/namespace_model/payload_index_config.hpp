#pragma once

#include "base/index_type.hpp"
#include "base/validation_error.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace index_optimizer {

// Storage-only evidence that the optimizer created an index: never part of the Mixpeek response.
struct auto_created_info {
  std::chrono::system_clock::time_point at;
  std::int64_t trigger_count = 0;  // the 24 h filter count that crossed the threshold

  friend bool operator==(const auto_created_info&, const auto_created_info&) = default;
};

// Mixpeek's PayloadIndexConfig. `field_schema` is kept exactly as the client sent it (validated
// against `type`), so a GET shows what was PATCHed; `qdrant_field_schema` derives the Qdrant form.
struct payload_index_config {
  std::string field_name;
  index_type type = index_type::keyword;
  std::optional<boost::json::object> field_schema;
  bool is_protected = false;
  std::optional<auto_created_info> auto_created;

  friend bool operator==(const payload_index_config&, const payload_index_config&) = default;
};

// {"field_name", "type", "field_schema" (object or null), "is_protected"}.
boost::json::object to_api_json(const payload_index_config& config);
// to_api_json plus "auto_created": {"at", "trigger_count"} when set.
boost::json::object to_storage_json(const payload_index_config& config);

// Where JSON comes from decides how strict parsing is about keys.
enum class json_source {
  // A client request: unknown keys are extra_forbidden (a typo must not silently do nothing),
  // except `description`, which the spec's own examples put on entries as an annotation
  // (accepted and dropped). `auto_created` is unknown here: clients cannot set it.
  request,
  // Our own stored document: `auto_created` is read and unknown keys are ignored, so a document
  // written by a newer daemon still loads during a rolling upgrade.
  stored,
};

// Validates one PayloadIndexConfig. A request's field_name must also be a path Qdrant can parse
// (check_qdrant_json_path): value_error naming the offending character and the grammar.
std::optional<payload_index_config> parse_payload_index_config(const boost::json::value& value,
                                                               const error_location& location,
                                                               std::vector<validation_error>& out,
                                                               json_source source);

// A list of configs: list_type, each item, and value_error on a repeated field_name.
std::optional<std::vector<payload_index_config>> parse_payload_index_list(
    const boost::json::value& value, const error_location& location,
    std::vector<validation_error>& out, json_source source);

// Checks a field_schema object against its index type: `type` (when present) must equal it;
// only that type's Qdrant params are allowed (is_tenant: keyword/uuid, is_principal:
// integer/float/datetime, ...); value types and enums; min_token_len <= max_token_len; integer
// lookup and range not both false.
void validate_field_schema(index_type type, const boost::json::object& field_schema,
                           const error_location& location, std::vector<validation_error>& out);

// The `field_schema` for Qdrant's PUT /collections/{c}/index: the bare type name ("keyword") when
// no parameter is set, else {"type": ..., params...} with null-valued params dropped. Qdrant
// treats "keyword" and {"type": "keyword"} as different schemas, so this is the one form we ever
// send for a config, and the form `qdrant_schema_matches` expects back.
boost::json::value qdrant_field_schema(const payload_index_config& config);

// Whether a Qdrant `payload_schema` entry ({"data_type", "params"?, "points"}) is the index this
// config would create: same data_type, params absent for the bare form, and equal params
// otherwise — ignoring nulls, filling Qdrant's serialized default for the text tokenizer ("word")
// and comparing stopword lists as sets, since Qdrant echoes params that way.
bool qdrant_schema_matches(const payload_index_config& config,
                           const boost::json::value& payload_schema_entry);

// Same field, type and effective Qdrant schema (is_protected and auto_created not compared).
bool same_index_definition(const payload_index_config& a, const payload_index_config& b);

struct qdrant_version {
  int major = 0;
  int minor = 0;
  friend auto operator<=>(const qdrant_version&, const qdrant_version&) = default;
};

// The oldest Qdrant that accepts every param this config sets (memory, prefix: 1.19; enable_hnsw:
// 1.17; ascii_folding: 1.16; stemmer: 1.15); {0, 0} when it sets none of those.
qdrant_version minimum_qdrant_version(const payload_index_config& config);

}  // namespace index_optimizer
