#include "namespace_model/namespace_requests.hpp"

#include "namespace_model/json_checks.hpp"

#include <boost/json/stream_parser.hpp>

#include <array>
#include <cctype>

namespace index_optimizer {
namespace {

namespace jc = json_checks;
using boost::json::array;
using boost::json::object;
using boost::json::value;

const error_location k_body{std::string("body")};

constexpr std::size_t k_name_min_chars = 3;
constexpr std::size_t k_name_max_chars = 64;

// NamespaceModel fields a client cannot write: named in the extra_forbidden message so a client
// that echoes a GET body learns what to drop.
constexpr std::array<std::string_view, 11> k_read_only_fields{
    "namespace_id",         "namespace_type", "cluster_id",       "feature_extractors",
    "document_count",       "bucket_count",   "collection_count", "object_count",
    "vector_inference_map", "created_at",     "updated_at"};

bool is_read_only_field(std::string_view key) {
  for (const auto f : k_read_only_fields) {
    if (f == key) return true;
  }
  return false;
}

std::string patch_hint(std::string_view key) {
  if (is_read_only_field(key)) return "'" + std::string(key) + "' is read-only";
  return {};
}

std::string put_hint(std::string_view key) {
  if (is_read_only_field(key)) return "'" + std::string(key) + "' is read-only";
  if (key == "description" || key == "auto_create_indexes" || key == "infrastructure") {
    return "'" + std::string(key) + "' is not part of PUT (UpdateNamespaceRequest); use PATCH";
  }
  return {};
}

std::string create_hint(std::string_view key) {
  if (is_read_only_field(key)) return "'" + std::string(key) + "' is set by the server";
  return {};
}

bool blank(std::string_view body) {
  for (const char c : body) {
    if (std::isspace(static_cast<unsigned char>(c)) == 0) return false;
  }
  return true;
}

std::optional<std::string> read_name(const value& v, const error_location& loc, jc::errors& out) {
  return jc::as_string(v, loc, out, k_name_min_chars, k_name_max_chars);
}

// BaseFeatureExtractorModel-Input, normalised to the Output shape.
std::optional<object> parse_feature_extractor(const value& v, const error_location& loc,
                                              jc::errors& out) {
  const auto* o = jc::as_model(v, loc, out);
  if (o == nullptr) return std::nullopt;
  const std::size_t errors_before = out.size();
  std::optional<std::string> name;
  std::optional<std::string> version;
  if (const auto* n = o->if_contains("feature_extractor_name")) {
    name = jc::as_string(*n, jc::at(loc, "feature_extractor_name"), out);
  } else {
    jc::add(out, "missing", jc::at(loc, "feature_extractor_name"), "Field required");
  }
  if (const auto* ver = o->if_contains("version")) {
    version = jc::as_string(*ver, jc::at(loc, "version"), out);
  } else {
    jc::add(out, "missing", jc::at(loc, "version"), "Field required");
  }
  value params = nullptr;
  if (const auto* p = jc::non_null(*o, "params")) {
    if (const auto* dict = jc::as_dict(*p, jc::at(loc, "params"), out)) params = *dict;
  }
  if (const auto* id = jc::non_null(*o, "feature_extractor_id")) {
    jc::as_string(*id, jc::at(loc, "feature_extractor_id"), out);
  }
  static constexpr std::array<std::string_view, 4> k_keys{"feature_extractor_name", "version",
                                                          "params", "feature_extractor_id"};
  jc::reject_unknown_keys(*o, k_keys, loc, out);
  if (out.size() != errors_before || !name || !version) return std::nullopt;
  return object{{"feature_extractor_name", *name},
                {"version", *version},
                {"params", std::move(params)},
                {"feature_extractor_id", *name + "_" + *version}};
}

}  // namespace

validation_result<value> parse_json_body(std::string_view body) {
  jc::errors out;
  if (blank(body)) {
    jc::add(out, "missing", k_body, "Field required");
    return out;
  }
  boost::json::stream_parser parser;
  boost::system::error_code ec;
  const std::size_t consumed = parser.write(body.data(), body.size(), ec);
  std::size_t offset = consumed;
  if (!ec) {
    parser.finish(ec);
    offset = body.size();
  }
  if (ec) {
    jc::add(out, "json_invalid", jc::at(k_body, static_cast<std::int64_t>(offset)),
            "JSON decode error");
    return out;
  }
  return parser.release();
}

validation_result<create_namespace_request> validate_create_namespace_request(const value& body) {
  jc::errors out;
  const auto* o = jc::as_model(body, k_body, out);
  if (o == nullptr) return out;
  create_namespace_request request;

  if (const auto* name = o->if_contains("namespace_name")) {
    if (auto s = read_name(*name, jc::at(k_body, "namespace_name"), out)) {
      request.namespace_name = std::move(*s);
    }
  } else {
    jc::add(out, "missing", jc::at(k_body, "namespace_name"), "Field required");
  }
  if (const auto* type = jc::non_null(*o, "namespace_type")) {
    if (const auto i =
            jc::as_enum(*type, jc::at(k_body, "namespace_type"), out, k_namespace_type_names)) {
      request.type = static_cast<namespace_type>(*i);
    }
  }
  if (const auto* description = jc::non_null(*o, "description")) {
    request.description = jc::as_string(*description, jc::at(k_body, "description"), out);
  }
  if (const auto* extractors = o->if_contains("feature_extractors")) {
    const auto floc = jc::at(k_body, "feature_extractors");
    // Mixpeek requires at least one extractor; an index optimizer runs none, so an empty list
    // is accepted (docs/namespace-model.md).
    if (const auto* list = jc::as_list(*extractors, floc, out)) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        if (auto extractor = parse_feature_extractor(
                (*list)[i], jc::at(floc, static_cast<std::int64_t>(i)), out)) {
          request.feature_extractors.emplace_back(std::move(*extractor));
        }
      }
    }
  } else {
    jc::add(out, "missing", jc::at(k_body, "feature_extractors"), "Field required");
  }
  if (const auto* indexes = jc::non_null(*o, "payload_indexes")) {
    request.payload_indexes = parse_payload_index_list(*indexes, jc::at(k_body, "payload_indexes"),
                                                       out, json_source::request);
  }
  if (const auto* flag = jc::non_null(*o, "auto_create_indexes")) {
    if (const auto b = jc::as_bool(*flag, jc::at(k_body, "auto_create_indexes"), out)) {
      request.auto_create_indexes = *b;
    }
  }
  if (const auto* infra = jc::non_null(*o, "infrastructure")) {
    request.infrastructure = parse_namespace_infrastructure(
        *infra, jc::at(k_body, "infrastructure"), out, json_source::request);
  }
  static constexpr std::array<std::string_view, 7> k_keys{
      "namespace_name",  "namespace_type",      "description",   "feature_extractors",
      "payload_indexes", "auto_create_indexes", "infrastructure"};
  jc::reject_unknown_keys(*o, k_keys, k_body, out, create_hint);

  if (!out.empty()) return out;
  return request;
}

validation_result<patch_namespace_request> validate_patch_namespace_request(const value& body) {
  jc::errors out;
  const auto* o = jc::as_model(body, k_body, out);
  if (o == nullptr) return out;
  patch_namespace_request request;

  if (const auto* name = jc::non_null(*o, "namespace_name")) {
    request.namespace_name = read_name(*name, jc::at(k_body, "namespace_name"), out);
  }
  if (const auto* description = jc::non_null(*o, "description")) {
    request.description = jc::as_string(*description, jc::at(k_body, "description"), out);
  }
  if (const auto* indexes = jc::non_null(*o, "payload_indexes")) {
    request.payload_indexes = parse_payload_index_list(*indexes, jc::at(k_body, "payload_indexes"),
                                                       out, json_source::request);
  }
  if (const auto* flag = jc::non_null(*o, "auto_create_indexes")) {
    request.auto_create_indexes = jc::as_bool(*flag, jc::at(k_body, "auto_create_indexes"), out);
  }
  if (const auto* infra = jc::non_null(*o, "infrastructure")) {
    request.infrastructure = parse_namespace_infrastructure(
        *infra, jc::at(k_body, "infrastructure"), out, json_source::request);
  }
  static constexpr std::array<std::string_view, 5> k_keys{
      "namespace_name", "description", "payload_indexes", "auto_create_indexes", "infrastructure"};
  jc::reject_unknown_keys(*o, k_keys, k_body, out, patch_hint);

  if (!out.empty()) return out;
  return request;
}

validation_result<update_namespace_request> validate_update_namespace_request(const value& body) {
  jc::errors out;
  const auto* o = jc::as_model(body, k_body, out);
  if (o == nullptr) return out;
  update_namespace_request request;

  if (const auto* name = o->if_contains("namespace_name")) {
    if (!name->is_null()) {
      request.namespace_name = read_name(*name, jc::at(k_body, "namespace_name"), out);
    }
  } else {
    jc::add(out, "missing", jc::at(k_body, "namespace_name"), "Field required");
  }
  if (const auto* indexes = o->if_contains("payload_indexes")) {
    if (!indexes->is_null()) {
      request.payload_indexes = parse_payload_index_list(
          *indexes, jc::at(k_body, "payload_indexes"), out, json_source::request);
    }
  } else {
    jc::add(out, "missing", jc::at(k_body, "payload_indexes"), "Field required");
  }
  static constexpr std::array<std::string_view, 2> k_keys{"namespace_name", "payload_indexes"};
  jc::reject_unknown_keys(*o, k_keys, k_body, out, put_hint);

  if (!out.empty()) return out;
  return request;
}

validation_result<list_namespaces_request> validate_list_namespaces_request(const value& body) {
  jc::errors out;
  const auto* o = jc::as_model(body, k_body, out);
  if (o == nullptr) return out;
  list_namespaces_request request;

  if (const auto* filters = jc::non_null(*o, "filters")) {
    if (const auto* dict = jc::as_dict(*filters, jc::at(k_body, "filters"), out)) {
      request.filters = *dict;
    }
  }
  if (const auto* sort = jc::non_null(*o, "sort")) {
    const auto sloc = jc::at(k_body, "sort");
    if (const auto* dict = jc::as_dict(*sort, sloc, out)) {
      namespace_sort parsed;
      bool ok = true;
      static constexpr std::array<std::string_view, 5> k_sort_fields{
          "namespace_id", "namespace_name", "description", "created_at", "updated_at"};
      if (const auto* field = dict->if_contains("field")) {
        if (const auto i = jc::as_enum(*field, jc::at(sloc, "field"), out, k_sort_fields)) {
          parsed.field = k_sort_fields[*i];
        } else {
          ok = false;
        }
      } else {
        jc::add(out, "missing", jc::at(sloc, "field"), "Field required");
        ok = false;
      }
      if (const auto* direction = dict->if_contains("direction")) {
        static constexpr std::array<std::string_view, 2> k_directions{"asc", "desc"};
        if (const auto i = jc::as_enum(*direction, jc::at(sloc, "direction"), out, k_directions)) {
          parsed.descending = *i == 1;
        } else {
          ok = false;
        }
      }
      static constexpr std::array<std::string_view, 2> k_sort_keys{"field", "direction"};
      jc::reject_unknown_keys(*dict, k_sort_keys, sloc, out);
      if (ok) request.sort = std::move(parsed);
    }
  }
  if (const auto* search = jc::non_null(*o, "search")) {
    request.search = jc::as_string(*search, jc::at(k_body, "search"), out);
  }
  if (const auto* flag = o->if_contains("case_sensitive")) {
    if (const auto b = jc::as_bool(*flag, jc::at(k_body, "case_sensitive"), out)) {
      request.case_sensitive = *b;
    }
  }
  static constexpr std::array<std::string_view, 4> k_keys{"filters", "sort", "search",
                                                          "case_sensitive"};
  jc::reject_unknown_keys(*o, k_keys, k_body, out);

  if (!out.empty()) return out;
  return request;
}

namespace {

template <class Request>
validation_result<Request> parse_body(std::string_view body,
                                      validation_result<Request> (*parse)(const value&)) {
  auto json = parse_json_body(body);
  if (!json) return json.errors();
  return parse(json.value());
}

array to_json(const std::vector<payload_index_config>& indexes) {
  array out;
  for (const auto& index : indexes)
    out.emplace_back(to_api_json(index));
  return out;
}

}  // namespace

validation_result<create_namespace_request> parse_create_namespace_request(std::string_view body) {
  return parse_body<create_namespace_request>(body, validate_create_namespace_request);
}

validation_result<patch_namespace_request> parse_patch_namespace_request(std::string_view body) {
  return parse_body<patch_namespace_request>(body, validate_patch_namespace_request);
}

validation_result<update_namespace_request> parse_update_namespace_request(std::string_view body) {
  return parse_body<update_namespace_request>(body, validate_update_namespace_request);
}

validation_result<list_namespaces_request> parse_list_namespaces_request(std::string_view body) {
  // The spec's requestBody is optional, defaulting to {"case_sensitive": false}.
  if (blank(body)) return list_namespaces_request{};
  return parse_body<list_namespaces_request>(body, validate_list_namespaces_request);
}

object to_json(const create_namespace_request& request) {
  object out;
  out.emplace("namespace_name", request.namespace_name);
  out.emplace("namespace_type", to_string(request.type));
  out.emplace("description", request.description ? value(*request.description) : value(nullptr));
  out.emplace("feature_extractors", request.feature_extractors);
  out.emplace("payload_indexes",
              request.payload_indexes ? value(to_json(*request.payload_indexes)) : value(nullptr));
  out.emplace("auto_create_indexes", request.auto_create_indexes);
  out.emplace("infrastructure", request.infrastructure
                                    ? value(to_json(*request.infrastructure, true))
                                    : value(nullptr));
  return out;
}

object to_json(const patch_namespace_request& request) {
  object out;
  if (request.namespace_name) out.emplace("namespace_name", *request.namespace_name);
  if (request.description) out.emplace("description", *request.description);
  if (request.payload_indexes) out.emplace("payload_indexes", to_json(*request.payload_indexes));
  if (request.auto_create_indexes) out.emplace("auto_create_indexes", *request.auto_create_indexes);
  if (request.infrastructure) out.emplace("infrastructure", to_json(*request.infrastructure, true));
  return out;
}

object to_json(const update_namespace_request& request) {
  object out;
  out.emplace("namespace_name",
              request.namespace_name ? value(*request.namespace_name) : value(nullptr));
  out.emplace("payload_indexes",
              request.payload_indexes ? value(to_json(*request.payload_indexes)) : value(nullptr));
  return out;
}

object to_json(const list_namespaces_request& request) {
  object out;
  if (request.filters) out.emplace("filters", *request.filters);
  if (request.sort) {
    out.emplace("sort", object{{"field", request.sort->field},
                               {"direction", request.sort->descending ? "desc" : "asc"}});
  }
  if (request.search) out.emplace("search", *request.search);
  out.emplace("case_sensitive", request.case_sensitive);
  return out;
}

}  // namespace index_optimizer
