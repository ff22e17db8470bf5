#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "redis/redis_connection.hpp"
#include "string_map/string_map.hpp"

namespace index_optimizer {

// Event `namespace` references (an `ns_...` id or a name) resolved to namespace ids through the
// registry keys (docs/redis-keys.md, "Namespace registry"), with a small cache so a busy stream
// costs a registry lookup per namespace every few seconds, not per event. Misses are cached for
// at most a second, so a namespace created through the API is counted within a second; hits for
// a few seconds, so a deleted or renamed namespace stops matching soon after.
struct namespace_cache_policy {
  std::chrono::milliseconds hit_ttl{5000};
  std::chrono::milliseconds miss_ttl{1000};
  std::size_t max_entries = 100000;  // past this the cache starts over (a flood of bad refs)
};

// The cache itself, over an injected clock: no Redis, unit-tested on its own.
class namespace_cache {
 public:
  using clock = std::chrono::steady_clock;

  explicit namespace_cache(namespace_cache_policy policy = {}) : policy_(policy) {}

  // nullopt: not cached (or expired). Otherwise the cached answer: a pointer to the id, or
  // nullptr for "no such namespace". The pointer is valid until the next store().
  std::optional<const std::string*> find(std::string_view ref, clock::time_point now) const;
  const std::string* store(std::string_view ref, std::optional<std::string> namespace_id,
                           clock::time_point now);
  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct entry {
    std::optional<std::string> namespace_id;
    clock::time_point expires;
  };
  namespace_cache_policy policy_;
  string_map<entry> entries_;
};

class namespace_resolver {
 public:
  explicit namespace_resolver(std::string key_prefix, namespace_cache_policy policy = {});

  // The namespace id `ref` names, or nullptr when no namespace has that id or name. The pointer
  // is valid until the next call. A Redis failure is returned as is (nothing cached).
  redis_result<const std::string*> resolve(redis_connection& connection, std::string_view ref);

 private:
  std::string doc_prefix_;  // "<prefix>{ns}:doc:"
  std::string names_key_;   // "<prefix>{ns}:names"
  namespace_cache cache_;
};

}  // namespace index_optimizer
