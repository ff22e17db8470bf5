#pragma once

#include "base/validation_error.hpp"
#include "namespace_model/payload_index_config.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace index_optimizer {

enum class namespace_type { standard, marketplace };
enum class compute_tier { shared, dedicated_cpu, dedicated_gpu };

// Wire names, indexed by the enum values above.
inline constexpr std::array<std::string_view, 2> k_namespace_type_names{"standard", "marketplace"};
inline constexpr std::array<std::string_view, 3> k_compute_tier_names{"shared", "dedicated_cpu",
                                                                      "dedicated_gpu"};

std::string_view to_string(namespace_type type) noexcept;
std::string_view to_string(compute_tier tier) noexcept;

// Mixpeek's NamespaceInfrastructure, with the spec's defaults. Only `qdrant_collection` matters
// to the optimizer; the rest is kept so Mixpeek clients get back what they set.
struct namespace_infrastructure {
  std::optional<std::string> ray_cluster_id;  // ^ray_[a-zA-Z0-9_]{3,64}$
  std::optional<std::string> ray_head_node_url;
  std::optional<std::string> ray_dashboard_url;
  std::optional<std::string> qdrant_url;
  std::optional<std::string> qdrant_api_key;  // a secret: never in to_api_json
  std::string qdrant_collection;              // 3-128 chars, required
  compute_tier tier = compute_tier::shared;
  std::int64_t max_concurrent_jobs = 10;  // 1-1000
  bool autoscaling_enabled = true;
  std::int64_t min_workers = 1;   // 0-100
  std::int64_t max_workers = 10;  // 1-100
  std::optional<std::string> gpu_type;
  std::int64_t gpus_per_worker = 1;  // 0-8
  std::string s3_plugin_bucket = "mixpeek-plugins";
  std::optional<std::string> s3_plugin_prefix;
  std::int64_t max_custom_plugins = 0;  // 0-100
  std::int64_t max_custom_models = 0;   // 0-50

  friend bool operator==(const namespace_infrastructure&,
                         const namespace_infrastructure&) = default;
};

// Mixpeek's NamespaceModel plus what only our store needs (`version`, per-index auto_created).
struct namespace_model {
  std::string namespace_id;
  std::string namespace_name;
  namespace_type type = namespace_type::standard;
  std::optional<namespace_infrastructure> infrastructure;
  std::optional<std::string> cluster_id;
  std::optional<std::string> description;
  // BaseFeatureExtractorModel objects, kept opaque: the optimizer never reads them.
  boost::json::array feature_extractors;
  // Protected and user-managed indexes in one list, as Mixpeek returns them. The spec makes the
  // list nullable; we always hold (and emit) a list.
  std::vector<payload_index_config> payload_indexes;
  std::optional<std::int64_t> document_count;
  std::optional<std::int64_t> bucket_count;
  std::optional<std::int64_t> collection_count;
  std::optional<std::int64_t> object_count;
  bool auto_create_indexes = false;
  std::optional<boost::json::object> vector_inference_map;  // string -> string
  std::optional<std::chrono::system_clock::time_point> created_at;
  std::optional<std::chrono::system_clock::time_point> updated_at;

  // Optimistic-concurrency counter owned by the store: it compares and bumps it on every write
  // (and derives the ETag from it). Nothing in this component changes it.
  std::int64_t version = 0;

  friend bool operator==(const namespace_model&, const namespace_model&) = default;
};

// Every NamespaceModel field, nulls included (as FastAPI serialises it), in the spec's order.
// Leaves out `version`, `auto_created` and the infrastructure's qdrant_api_key (shown as null).
boost::json::object to_api_json(const namespace_model& model);
// Everything, for the store: to_api_json's fields + qdrant_api_key + "version" + auto_created.
boost::json::object to_storage_json(const namespace_model& model);

// Parses either form (API or storage). Field types are checked like a request; keys it does not
// know are ignored so a document written by a newer daemon still loads during a rolling upgrade.
validation_result<namespace_model> namespace_model_from_json(const boost::json::value& json);

boost::json::object to_json(const namespace_infrastructure& infrastructure, bool include_secrets);
// NamespaceInfrastructure. From a request, extra keys are extra_forbidden except `description`,
// which the spec's own examples carry as an annotation (accepted, dropped).
std::optional<namespace_infrastructure> parse_namespace_infrastructure(
    const boost::json::value& value, const error_location& location,
    std::vector<validation_error>& out, json_source source);

// The Qdrant collection behind a namespace: infrastructure.qdrant_collection when set, else the
// namespace id itself (Mixpeek's default mapping, "ns_<id>").
std::string qdrant_collection_name(const namespace_model& model);

// Finds an index of the namespace by field name; nullptr when there is none.
const payload_index_config* find_index(const namespace_model& model, std::string_view field_name);

}  // namespace index_optimizer
