#include "ingest/namespace_resolver.hpp"

#include "namespace_model/namespace_id.hpp"

namespace index_optimizer {

std::optional<const std::string*> namespace_cache::find(std::string_view ref,
                                                        clock::time_point now) const {
  const auto it = entries_.find(ref);
  if (it == entries_.end() || it->second.expires <= now) return std::nullopt;
  return it->second.namespace_id ? &*it->second.namespace_id : nullptr;
}

const std::string* namespace_cache::store(std::string_view ref,
                                          std::optional<std::string> namespace_id,
                                          clock::time_point now) {
  if (entries_.size() >= policy_.max_entries && entries_.find(ref) == entries_.end()) {
    entries_.clear();
  }
  const auto ttl = namespace_id ? policy_.hit_ttl : policy_.miss_ttl;
  auto& slot = entries_[std::string(ref)];
  slot.namespace_id = std::move(namespace_id);
  slot.expires = now + ttl;
  return slot.namespace_id ? &*slot.namespace_id : nullptr;
}

namespace_resolver::namespace_resolver(std::string key_prefix, namespace_cache_policy policy)
    : doc_prefix_(key_prefix + "{ns}:doc:"),
      names_key_(key_prefix + "{ns}:names"),
      cache_(policy) {}

redis_result<const std::string*> namespace_resolver::resolve(redis_connection& connection,
                                                             std::string_view ref) {
  const auto now = namespace_cache::clock::now();
  if (const auto cached = cache_.find(ref, now)) return *cached;
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

}  // namespace index_optimizer
