#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "http/router.hpp"
#include "namespace_model/payload_index_config.hpp"
#include "namespace_model/protected_indexes.hpp"
#include "namespace_registry/namespace_registry.hpp"
#include "namespace_writer/namespace_writer.hpp"
#include "qdrant_port/qdrant_gateway.hpp"
#include "redis/redis_pool.hpp"

namespace index_optimizer {

struct namespace_api_dependencies {
  std::shared_ptr<namespace_registry> registry;
  std::shared_ptr<namespace_writer> writer;  // writes through `registry`
  qdrant_gateway* qdrant = nullptr;          // nullptr: catalog-only (document_count is null)
  namespaces_config settings;                // defaults for new namespaces
  // The protected indexes every new namespace starts with.
  std::vector<payload_index_config> protected_indexes = default_protected_indexes();
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
  // How long a collection's points_count (document_count) is reused before Qdrant is asked
  // again; 0 asks on every response. Every namespace response carries document_count, and asking
  // Qdrant each time (GET /collections/{c}, which walks the collection's segments) would pass
  // the admin API's request rate on to the production vector database and put a Qdrant round
  // trip into every response. Qdrant's count is approximate anyway.
  std::chrono::milliseconds document_count_ttl{1000};
};

// The Mixpeek-compatible namespace routes (docs/api.md): GET/PUT/PATCH/DELETE
// /v1/namespaces/{namespace_identifier}, POST and GET /v1/namespaces, POST /v1/namespaces/list.
// Reads need `read`, writes `write`, DELETE `admin`. Handlers run on the worker pool.
void add_namespace_routes(http::router& router, namespace_api_dependencies dependencies);

// GET /openapi.json: the daemon's OpenAPI document, open like /healthz (it holds no data).
void add_openapi_route(http::router& router);

// The namespace API on its own, for tests and tools: builds the registry and the writer from
// `cfg` as the application does (namespace_registry_options_from, namespace_writer_options_from)
// and adds the routes above plus /openapi.json. `redis` and `qdrant` (nullptr: catalog-only) must
// outlive the router. `on_namespace_deleted` removes a deleted namespace's window counts; it may
// be empty. Returns the writer. `document_count_ttl`: see namespace_api_dependencies.
std::shared_ptr<namespace_writer> add_namespace_api(
    http::router& router, redis_pool& redis, qdrant_gateway* qdrant, const config& cfg,
    namespace_deleted_hook on_namespace_deleted,
    std::chrono::milliseconds document_count_ttl = std::chrono::seconds(1));

}  // namespace index_optimizer
