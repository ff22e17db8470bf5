#include "namespace_model/namespace_model.hpp"

#include "namespace_model/json_checks.hpp"
#include "text/rfc3339_time.hpp"

#include <array>
#include <limits>

namespace index_optimizer {
namespace {

namespace jc = json_checks;
using boost::json::array;
using boost::json::object;
using boost::json::value;
using json_checks::nullable;

constexpr std::int64_t k_int_max = std::numeric_limits<std::int64_t>::max();

// ^ray_[a-zA-Z0-9_]{3,64}$
bool matches_ray_cluster_pattern(std::string_view s) {
  constexpr std::string_view prefix = "ray_";
  if (!s.starts_with(prefix)) return false;
  const auto rest = s.substr(prefix.size());
  if (rest.size() < 3 || rest.size() > 64) return false;
  for (const char c : rest) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// A `str | None` field: absent or null leaves `target` empty.
void read_nullable_string(const object& o, std::string_view key, const error_location& loc,
                          jc::errors& out, std::optional<std::string>& target) {
  if (const auto* v = jc::non_null(o, key)) {
    if (auto s = jc::as_string(*v, jc::at(loc, key), out)) target = std::move(*s);
  }
}

// An `int` field with a default and bounds: absent keeps the default, null is int_type.
void read_int(const object& o, std::string_view key, const error_location& loc, jc::errors& out,
              std::int64_t min, std::int64_t max, std::int64_t& target) {
  if (const auto* v = o.if_contains(key)) {
    if (const auto i = jc::as_int(*v, jc::at(loc, key), out, min, max)) target = *i;
  }
}

void read_bool(const object& o, std::string_view key, const error_location& loc, jc::errors& out,
               bool& target) {
  if (const auto* v = o.if_contains(key)) {
    if (const auto b = jc::as_bool(*v, jc::at(loc, key), out)) target = *b;
  }
}

void read_nullable_int(const object& o, std::string_view key, const error_location& loc,
                       jc::errors& out, std::optional<std::int64_t>& target) {
  if (const auto* v = jc::non_null(o, key)) {
    if (const auto i = jc::as_int(*v, jc::at(loc, key), out)) target = *i;
  }
}

void read_nullable_time(const object& o, std::string_view key, const error_location& loc,
                        jc::errors& out,
                        std::optional<std::chrono::system_clock::time_point>& target) {
  if (const auto* v = jc::non_null(o, key)) {
    if (const auto s = jc::as_string(*v, jc::at(loc, key), out)) {
      if (const auto t = parse_rfc3339(*s)) {
        target = *t;
      } else {
        jc::add(out, "datetime_parsing", jc::at(loc, key), "Input should be a valid datetime");
      }
    }
  }
}

}  // namespace

std::string_view to_string(namespace_type type) noexcept {
  return k_namespace_type_names[static_cast<std::size_t>(type)];
}

std::string_view to_string(compute_tier tier) noexcept {
  return k_compute_tier_names[static_cast<std::size_t>(tier)];
}

object to_json(const namespace_infrastructure& infra, bool include_secrets) {
  object out;
  out.emplace("ray_cluster_id", nullable(infra.ray_cluster_id));
  out.emplace("ray_head_node_url", nullable(infra.ray_head_node_url));
  out.emplace("ray_dashboard_url", nullable(infra.ray_dashboard_url));
  out.emplace("qdrant_url", nullable(infra.qdrant_url));
  out.emplace("qdrant_api_key", include_secrets ? nullable(infra.qdrant_api_key) : value(nullptr));
  out.emplace("qdrant_collection", infra.qdrant_collection);
  out.emplace("compute_tier", to_string(infra.tier));
  out.emplace("max_concurrent_jobs", infra.max_concurrent_jobs);
  out.emplace("autoscaling_enabled", infra.autoscaling_enabled);
  out.emplace("min_workers", infra.min_workers);
  out.emplace("max_workers", infra.max_workers);
  out.emplace("gpu_type", nullable(infra.gpu_type));
  out.emplace("gpus_per_worker", infra.gpus_per_worker);
  out.emplace("s3_plugin_bucket", infra.s3_plugin_bucket);
  out.emplace("s3_plugin_prefix", nullable(infra.s3_plugin_prefix));
  out.emplace("max_custom_plugins", infra.max_custom_plugins);
  out.emplace("max_custom_models", infra.max_custom_models);
  return out;
}

std::optional<namespace_infrastructure> parse_namespace_infrastructure(
    const value& v, const error_location& loc, std::vector<validation_error>& out,
    json_source source) {
  const auto* o = jc::as_model(v, loc, out);
  if (o == nullptr) return std::nullopt;
  const std::size_t errors_before = out.size();
  namespace_infrastructure infra;

  if (const auto* id = jc::non_null(*o, "ray_cluster_id")) {
    const auto iloc = jc::at(loc, "ray_cluster_id");
    if (auto s = jc::as_string(*id, iloc, out)) {
      if (matches_ray_cluster_pattern(*s)) {
        infra.ray_cluster_id = std::move(*s);
      } else {
        jc::add(out, "string_pattern_mismatch", iloc,
                "String should match pattern '^ray_[a-zA-Z0-9_]{3,64}$'");
      }
    }
  }
  read_nullable_string(*o, "ray_head_node_url", loc, out, infra.ray_head_node_url);
  read_nullable_string(*o, "ray_dashboard_url", loc, out, infra.ray_dashboard_url);
  read_nullable_string(*o, "qdrant_url", loc, out, infra.qdrant_url);
  read_nullable_string(*o, "qdrant_api_key", loc, out, infra.qdrant_api_key);
  if (const auto* c = o->if_contains("qdrant_collection")) {
    if (auto s = jc::as_string(*c, jc::at(loc, "qdrant_collection"), out, 3, 128)) {
      infra.qdrant_collection = std::move(*s);
    }
  } else {
    jc::add(out, "missing", jc::at(loc, "qdrant_collection"), "Field required");
  }
  if (const auto* tier = o->if_contains("compute_tier")) {
    if (const auto i = jc::as_enum(*tier, jc::at(loc, "compute_tier"), out, k_compute_tier_names)) {
      infra.tier = static_cast<compute_tier>(*i);
    }
  }
  read_int(*o, "max_concurrent_jobs", loc, out, 1, 1000, infra.max_concurrent_jobs);
  read_bool(*o, "autoscaling_enabled", loc, out, infra.autoscaling_enabled);
  read_int(*o, "min_workers", loc, out, 0, 100, infra.min_workers);
  read_int(*o, "max_workers", loc, out, 1, 100, infra.max_workers);
  read_nullable_string(*o, "gpu_type", loc, out, infra.gpu_type);
  read_int(*o, "gpus_per_worker", loc, out, 0, 8, infra.gpus_per_worker);
  if (const auto* bucket = o->if_contains("s3_plugin_bucket")) {
    if (auto s = jc::as_string(*bucket, jc::at(loc, "s3_plugin_bucket"), out)) {
      infra.s3_plugin_bucket = std::move(*s);
    }
  }
  read_nullable_string(*o, "s3_plugin_prefix", loc, out, infra.s3_plugin_prefix);
  read_int(*o, "max_custom_plugins", loc, out, 0, 100, infra.max_custom_plugins);
  read_int(*o, "max_custom_models", loc, out, 0, 50, infra.max_custom_models);

  if (source == json_source::request) {
    static constexpr std::array<std::string_view, 18> k_keys{
        "ray_cluster_id",      "ray_head_node_url", "ray_dashboard_url", "qdrant_url",
        "qdrant_api_key",      "qdrant_collection", "compute_tier",      "max_concurrent_jobs",
        "autoscaling_enabled", "min_workers",       "max_workers",       "gpu_type",
        "gpus_per_worker",     "s3_plugin_bucket",  "s3_plugin_prefix",  "max_custom_plugins",
        "max_custom_models",   "description"};
    if (const auto* description = jc::non_null(*o, "description")) {
      jc::as_string(*description, jc::at(loc, "description"), out);
    }
    jc::reject_unknown_keys(*o, k_keys, loc, out);
  }
  if (out.size() != errors_before) return std::nullopt;
  return infra;
}

namespace {

object to_json(const namespace_model& model, bool for_storage) {
  object out;
  out.emplace("namespace_id", model.namespace_id);
  out.emplace("namespace_name", model.namespace_name);
  out.emplace("namespace_type", to_string(model.type));
  out.emplace("infrastructure", model.infrastructure
                                    ? value(to_json(*model.infrastructure, for_storage))
                                    : value(nullptr));
  out.emplace("cluster_id", nullable(model.cluster_id));
  out.emplace("description", nullable(model.description));
  out.emplace("feature_extractors", model.feature_extractors);
  array indexes;
  indexes.reserve(model.payload_indexes.size());
  for (const auto& index : model.payload_indexes) {
    indexes.emplace_back(for_storage ? to_storage_json(index) : to_api_json(index));
  }
  out.emplace("payload_indexes", std::move(indexes));
  out.emplace("document_count", nullable(model.document_count));
  out.emplace("bucket_count", nullable(model.bucket_count));
  out.emplace("collection_count", nullable(model.collection_count));
  out.emplace("object_count", nullable(model.object_count));
  out.emplace("auto_create_indexes", model.auto_create_indexes);
  out.emplace("vector_inference_map",
              model.vector_inference_map ? value(*model.vector_inference_map) : value(nullptr));
  out.emplace("created_at", nullable(model.created_at));
  out.emplace("updated_at", nullable(model.updated_at));
  if (for_storage) out.emplace("version", model.version);
  return out;
}

}  // namespace

object to_api_json(const namespace_model& model) {
  return to_json(model, false);
}

object to_storage_json(const namespace_model& model) {
  return to_json(model, true);
}

validation_result<namespace_model> namespace_model_from_json(const value& json) {
  jc::errors out;
  const error_location root;
  const auto* o = jc::as_model(json, root, out);
  if (o == nullptr) return out;
  namespace_model model;

  if (const auto* id = o->if_contains("namespace_id")) {
    if (auto s = jc::as_string(*id, jc::at(root, "namespace_id"), out)) {
      model.namespace_id = std::move(*s);
    }
  }
  if (const auto* name = o->if_contains("namespace_name")) {
    if (auto s = jc::as_string(*name, jc::at(root, "namespace_name"), out)) {
      model.namespace_name = std::move(*s);
    }
  } else {
    jc::add(out, "missing", jc::at(root, "namespace_name"), "Field required");
  }
  if (const auto* type = o->if_contains("namespace_type")) {
    if (const auto i =
            jc::as_enum(*type, jc::at(root, "namespace_type"), out, k_namespace_type_names)) {
      model.type = static_cast<namespace_type>(*i);
    }
  }
  if (const auto* infra = jc::non_null(*o, "infrastructure")) {
    model.infrastructure = parse_namespace_infrastructure(*infra, jc::at(root, "infrastructure"),
                                                          out, json_source::stored);
  }
  read_nullable_string(*o, "cluster_id", root, out, model.cluster_id);
  read_nullable_string(*o, "description", root, out, model.description);
  if (const auto* extractors = o->if_contains("feature_extractors")) {
    const auto floc = jc::at(root, "feature_extractors");
    if (const auto* list = jc::as_list(*extractors, floc, out)) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        jc::as_model((*list)[i], jc::at(floc, static_cast<std::int64_t>(i)), out);
      }
      model.feature_extractors = *list;
    }
  }
  if (const auto* indexes = jc::non_null(*o, "payload_indexes")) {
    if (auto list = parse_payload_index_list(*indexes, jc::at(root, "payload_indexes"), out,
                                             json_source::stored)) {
      model.payload_indexes = std::move(*list);
    }
  }
  read_nullable_int(*o, "document_count", root, out, model.document_count);
  read_nullable_int(*o, "bucket_count", root, out, model.bucket_count);
  read_nullable_int(*o, "collection_count", root, out, model.collection_count);
  read_nullable_int(*o, "object_count", root, out, model.object_count);
  read_bool(*o, "auto_create_indexes", root, out, model.auto_create_indexes);
  if (const auto* map = jc::non_null(*o, "vector_inference_map")) {
    const auto mloc = jc::at(root, "vector_inference_map");
    if (const auto* dict = jc::as_dict(*map, mloc, out)) {
      for (const auto& [key, service] : *dict)
        jc::as_string(service, jc::at(mloc, key), out);
      model.vector_inference_map = *dict;
    }
  }
  read_nullable_time(*o, "created_at", root, out, model.created_at);
  read_nullable_time(*o, "updated_at", root, out, model.updated_at);
  read_int(*o, "version", root, out, 0, k_int_max, model.version);

  if (!out.empty()) return out;
  return model;
}

std::string qdrant_collection_name(const namespace_model& model) {
  if (model.infrastructure && !model.infrastructure->qdrant_collection.empty()) {
    return model.infrastructure->qdrant_collection;
  }
  return model.namespace_id;
}

const payload_index_config* find_index(const namespace_model& model, std::string_view field_name) {
  for (const auto& index : model.payload_indexes) {
    if (index.field_name == field_name) return &index;
  }
  return nullptr;
}

}  // namespace index_optimizer
