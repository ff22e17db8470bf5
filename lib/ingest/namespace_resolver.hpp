#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/string_map.hpp"
#include "redis/redis_connection.hpp"

namespace index_optimizer {

// Event `namespace` references (an `ns_...` id or a name) resolved to namespace ids through the
// registry keys (docs/redis-keys.md, "Namespace registry"), with a small cache so a busy stream
// costs a registry lookup per namespace every few seconds, not per event. Hits are cached for a
// few seconds, so a deleted or renamed namespace stops matching soon after.
//
// The rule for misses (docs/events.md, "Unknown namespaces"): an entry is found unknown only by a
// lookup sent after the entry was read from the stream. A namespace whose create was stored
// before the producer added the entry therefore always resolves, however recently it was created
// and whatever any instance cached before. A cached miss answers only for entries read before
// its lookup: the rest of the read that caused it, so a flood of one unknown name costs one
// lookup per read (ingest.batch_size entries), not one per entry.
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

  // nullopt: not cached, expired, or a miss looked up before `read_at` (the time the entry being
  // resolved was read, or later). Otherwise the cached answer: a pointer to the id, or nullptr
  // for "no such namespace". The pointer is valid until the next store().
  std::optional<const std::string*> find(std::string_view ref, clock::time_point now,
                                         clock::time_point read_at) const;
  // `looked_up`: when the lookup was sent (before its answer was known).
  const std::string* store(std::string_view ref, std::optional<std::string> namespace_id,
                           clock::time_point looked_up);
  std::size_t size() const noexcept { return entries_.size(); }
  void clear() noexcept { entries_.clear(); }

 private:
  struct entry {
    std::optional<std::string> namespace_id;
    clock::time_point looked_up;
    clock::time_point expires;
  };
  namespace_cache_policy policy_;
  string_map<entry> entries_;
};

class namespace_resolver {
 public:
  explicit namespace_resolver(std::string key_prefix, namespace_cache_policy policy = {});

  // The namespace id `ref` names, or nullptr when no namespace has that id or name as of a
  // lookup sent at or after `read_at` (the steady-clock time the entry naming `ref` had been read
  // from the stream by). The pointer is valid until the next call. A Redis failure is returned
  // as is (nothing cached).
  redis_result<const std::string*> resolve(redis_connection& connection, std::string_view ref,
                                           namespace_cache::clock::time_point read_at);
  // Forgets every cached answer. After a reconnect: the server may have restarted without its
  // data, and a cached hit would count events into a namespace that is gone.
  void forget() noexcept { cache_.clear(); }
  // How many namespaces the registry holds (HLEN of the name index: every namespace has a name).
  redis_result<long long> registry_size(redis_connection& connection) const;

 private:
  std::string doc_prefix_;  // "<prefix>{ns}:doc:"
  std::string names_key_;   // "<prefix>{ns}:names"
  namespace_cache cache_;
};

}  // namespace index_optimizer
