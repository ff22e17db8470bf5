#include "ingest/namespace_resolver.hpp"

#include "namespace_model/namespace_id.hpp"

namespace index_optimizer {

std::optional<const std::string*> namespace_cache::find(std::string_view ref, clock::time_point now,
                                                        clock::time_point read_at) const {
  const auto it = entries_.find(ref);
  if (it == entries_.end() || it->second.expires <= now) return std::nullopt;
  if (!it->second.namespace_id) {
    // A miss proves nothing about an entry read after it: the namespace may have been created
    // between the lookup and the producer's XADD.
    if (it->second.looked_up < read_at) return std::nullopt;
    return nullptr;
  }
  return &*it->second.namespace_id;
}

const std::string* namespace_cache::store(std::string_view ref,
                                          std::optional<std::string> namespace_id,
                                          clock::time_point looked_up) {
  if (entries_.size() >= policy_.max_entries && entries_.find(ref) == entries_.end()) {
    entries_.clear();
  }
  const auto ttl = namespace_id ? policy_.hit_ttl : policy_.miss_ttl;
  auto& slot = entries_[std::string(ref)];
  slot.namespace_id = std::move(namespace_id);
  slot.looked_up = looked_up;
  slot.expires = looked_up + ttl;
  return slot.namespace_id ? &*slot.namespace_id : nullptr;
}

namespace_resolver::namespace_resolver(std::string key_prefix, namespace_cache_policy policy)
    : doc_prefix_(key_prefix + "{ns}:doc:"),
      names_key_(key_prefix + "{ns}:names"),
      cache_(policy) {}

redis_result<const std::string*> namespace_resolver::resolve(
    redis_connection& connection, std::string_view ref,
    namespace_cache::clock::time_point read_at) {
  // Taken before the lookup is sent: what it finds is the registry as of this moment or later.
  const auto now = namespace_cache::clock::now();
  if (const auto cached = cache_.find(ref, now, read_at)) return *cached;
  // Like the namespace API: something shaped like an id is tried as an id first, then as a name.
  std::vector<redis_command> commands;
  const bool try_id = looks_like_namespace_id(ref);
  if (try_id) commands.push_back({"EXISTS", doc_prefix_ + std::string(ref)});
  commands.push_back({"HGET", names_key_, std::string(ref)});
  auto replies = connection.pipeline(commands);
  if (!replies) return replies.error();
  for (const auto& reply : *replies) {
    if (reply.is_error()) {
      return redis_error{redis_errc::server, "namespace lookup failed: " + reply.as_string()};
    }
  }
  std::optional<std::string> id;
  if (try_id && replies->front().to_integer().value_or(0) > 0) {
    id = std::string(ref);
  } else if (auto by_name = replies->back().to_optional_string()) {
    id = std::move(*by_name);
  }
  return cache_.store(ref, std::move(id), now);
}

redis_result<long long> namespace_resolver::registry_size(redis_connection& connection) const {
  auto reply = connection.command({"HLEN", names_key_});
  if (!reply) return reply.error();
  if (reply->is_error()) {
    return redis_error{redis_errc::server, "HLEN of the namespace names: " + reply->as_string()};
  }
  return reply->to_integer().value_or(0);
}

}  // namespace index_optimizer
