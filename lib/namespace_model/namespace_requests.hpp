#pragma once

#include "base/validation_error.hpp"
#include "namespace_model/namespace_model.hpp"
#include "namespace_model/payload_index_config.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Parsers for the namespace routes' bodies. Every parser reports ALL field errors at once, with
// Pydantic's error names and FastAPI's locations (["body", field, index, ...]).
//
// Unknown fields are rejected with `extra_forbidden` (Mixpeek's Pydantic models would ignore
// them). A typo such as {"auto_create_index": true} must not answer 200 and silently do nothing,
// and this API changes production indexes. The only tolerated extra is `description` inside a
// PayloadIndexConfig or NamespaceInfrastructure, because the spec's own examples carry it as an
// annotation; it is dropped. Read-only NamespaceModel fields sent to PATCH/PUT (a client echoing
// a GET) are rejected the same way, with a message saying they are read-only.
//
// JSON types are strict (no "true" -> true coercion); integral floats pass as integers.

namespace index_optimizer {

struct create_namespace_request {
  std::string namespace_name;  // 3-64 characters
  namespace_type type = namespace_type::standard;
  std::optional<std::string> description;
  // At least one; each {feature_extractor_name, version, params, feature_extractor_id} with
  // feature_extractor_id (read-only in the spec) always recomputed as name + "_" + version.
  boost::json::array feature_extractors;
  std::optional<std::vector<payload_index_config>> payload_indexes;
  bool auto_create_indexes = false;
  std::optional<namespace_infrastructure> infrastructure;

  friend bool operator==(const create_namespace_request&,
                         const create_namespace_request&) = default;
};

// PATCH: every field optional and nullable; absent and null both mean "leave unchanged".
struct patch_namespace_request {
  std::optional<std::string> namespace_name;
  std::optional<std::string> description;
  // Replaces the user-managed list; protected indexes are kept (see protected_indexes.hpp).
  std::optional<std::vector<payload_index_config>> payload_indexes;
  std::optional<bool> auto_create_indexes;
  std::optional<namespace_infrastructure> infrastructure;

  friend bool operator==(const patch_namespace_request&, const patch_namespace_request&) = default;
};

// PUT ("Fully updates an existing namespace (all fields required)"): both UpdateNamespaceRequest
// fields must be present (`missing` otherwise) so an omission can never wipe indexes by accident.
// null namespace_name keeps the current name (a name cannot be cleared); null payload_indexes
// means "no user-managed indexes".
struct update_namespace_request {
  std::optional<std::string> namespace_name;
  std::optional<std::vector<payload_index_config>> payload_indexes;

  friend bool operator==(const update_namespace_request&,
                         const update_namespace_request&) = default;
};

struct namespace_sort {
  std::string field;  // namespace_id, namespace_name, description, created_at, updated_at
  bool descending = false;

  friend bool operator==(const namespace_sort&, const namespace_sort&) = default;
};

// POST /v1/namespaces/list. The body is optional (empty = defaults).
struct list_namespaces_request {
  std::optional<boost::json::object> filters;  // free-form, as the spec has it
  std::optional<namespace_sort> sort;          // {"field", "direction": "asc"|"desc"}
  std::optional<std::string> search;
  bool case_sensitive = false;

  friend bool operator==(const list_namespaces_request&, const list_namespaces_request&) = default;
};

// Parses a request body. Not JSON: json_invalid at ["body", <offset>]; empty: missing at
// ["body"].
//
// parse_*(body text) = parse_json_body + validate_*(value).
validation_result<boost::json::value> parse_json_body(std::string_view body);

validation_result<create_namespace_request> parse_create_namespace_request(std::string_view body);
validation_result<create_namespace_request> validate_create_namespace_request(
    const boost::json::value& body);
validation_result<patch_namespace_request> parse_patch_namespace_request(std::string_view body);
validation_result<patch_namespace_request> validate_patch_namespace_request(
    const boost::json::value& body);
validation_result<update_namespace_request> parse_update_namespace_request(std::string_view body);
validation_result<update_namespace_request> validate_update_namespace_request(
    const boost::json::value& body);
validation_result<list_namespaces_request> parse_list_namespaces_request(std::string_view body);
validation_result<list_namespaces_request> validate_list_namespaces_request(
    const boost::json::value& body);

// Back to JSON, emitting only the fields that are set (PATCH/PUT) — what a client would send.
boost::json::object to_json(const create_namespace_request& request);
boost::json::object to_json(const patch_namespace_request& request);
boost::json::object to_json(const update_namespace_request& request);
boost::json::object to_json(const list_namespaces_request& request);

}  // namespace index_optimizer
