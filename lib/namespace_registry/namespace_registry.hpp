#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "namespace_model/namespace_model.hpp"
#include "namespace_registry/parsed_document_cache.hpp"
#include "namespace_registry/registry_error.hpp"
#include "namespace_registry/registry_keys.hpp"
#include "redis/redis_pool.hpp"

namespace index_optimizer {

struct namespace_registry_options {
  std::string key_prefix = "io:";
  // How long a call waits for a pooled Redis connection.
  std::chrono::milliseconds acquire_timeout{2000};
  // update(): compare-and-set attempts before giving up with version_mismatch.
  int max_update_attempts = 16;
};

// The registry the daemon runs: keys under cfg.redis.key_prefix, connections waited for up to
// cfg.redis.command_timeout.
namespace_registry_options namespace_registry_options_from(const config& cfg);

// Removes what other components keep per namespace (the ingestion component's window counts).
// Called after the namespace is gone from the registry; must not throw (it is caught and logged).
using namespace_deleted_hook = std::function<void(const std::string& namespace_id)>;

// The system of record for namespaces, in Redis (docs/redis-keys.md § Namespace registry).
//
// Every write is a compare-and-set on the document's `version`, done by one Lua script that
// checks the version, keeps the name index consistent (a taken name fails the whole write) and
// stores the document with version + 1. One script per write instead of WATCH/MULTI/EXEC: it
// tells "stale version" from "name taken" from "gone" in one round trip, and parallel creates
// (which all touch the name index) never make each other retry.
//
// Thread-safe: each call leases its own connection from the pool.
class namespace_registry {
 public:
  namespace_registry(redis_pool& pool, namespace_registry_options options,
                     namespace_deleted_hook on_deleted = {});

  // By id.
  registry_result<namespace_model> get(std::string_view namespace_id);
  // By the path identifier of the namespace routes: an id ("ns_...") first, then a name, so a
  // namespace named like another one's id cannot hide it.
  registry_result<namespace_model> resolve(std::string_view identifier);
  // The id owning `name`, if any.
  registry_result<std::optional<std::string>> id_for_name(std::string_view name);
  // Every namespace, in creation order (O(namespaces): ZRANGE + batched MGET).
  registry_result<std::vector<namespace_model>> list();

  // Stores a new namespace with version 1 and returns it as stored. name_taken / id_taken when
  // the name or the id is already in use.
  registry_result<namespace_model> create(namespace_model model);

  // Compare-and-set: stores `next` (same namespace_id) if the stored version is still
  // `expected_version`; returns it with version expected_version + 1. A rename moves the name
  // index entry in the same step (name_taken if another namespace has the new name).
  registry_result<namespace_model> store(namespace_model next, std::int64_t expected_version);

  // Optimistic read-modify-write for changes that need no Qdrant call: reads, calls `change`
  // (which may run several times, so it must be a pure function of its argument; nullopt = no
  // change), and stores with store(); re-reads and retries when another writer got in between.
  // Returns the namespace as stored (or unchanged).
  using change_function = std::function<std::optional<namespace_model>(const namespace_model&)>;
  registry_result<namespace_model> update(std::string_view namespace_id,
                                          const change_function& change);

  // Deletes the document, its name entry and its order entry in one step (only if the version
  // is still `expected_version`, when given), then calls the deleted hook. Returns the deleted
  // namespace.
  registry_result<namespace_model> remove(std::string_view namespace_id,
                                          std::optional<std::int64_t> expected_version = {});

  const registry_keys& keys() const noexcept { return keys_; }
  redis_pool& pool() noexcept { return pool_; }
  std::chrono::milliseconds acquire_timeout() const noexcept { return options_.acquire_timeout; }

 private:
  registry_result<redis_pool::lease> connection();
  // parse_stored_namespace, reusing the model of a document parsed before (parsed_document_cache).
  registry_result<namespace_model> parse_cached(std::string_view document, std::string_view key);

  redis_pool& pool_;
  namespace_registry_options options_;
  registry_keys keys_;
  namespace_deleted_hook on_deleted_;
  parsed_document_cache parsed_;
};

// Parses a stored document (namespace_model to_storage_json); corrupt on failure.
registry_result<namespace_model> parse_stored_namespace(std::string_view document,
                                                        std::string_view key);

}  // namespace index_optimizer
