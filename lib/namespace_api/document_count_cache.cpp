#include "namespace_api/document_count_cache.hpp"

#include <iterator>

namespace index_optimizer {
namespace {

// Expired entries are dropped when the map grows past this, so collections that are no longer
// asked about (deleted namespaces) do not accumulate.
constexpr std::size_t k_prune_above = 1024;

}  // namespace

document_count_cache::document_count_cache(std::chrono::milliseconds ttl, clock_function clock)
    : ttl_(ttl), clock_(std::move(clock)) {}

std::optional<std::optional<std::int64_t>> document_count_cache::find(
    std::string_view collection) const {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(collection);
  if (it == entries_.end() || now >= it->second.expires) return std::nullopt;
  return it->second.count;
}

void document_count_cache::store(std::string_view collection, std::optional<std::int64_t> count) {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  if (entries_.size() >= k_prune_above) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      it = now >= it->second.expires ? entries_.erase(it) : std::next(it);
    }
  }
  const entry fresh{count, now + ttl_};
  if (const auto it = entries_.find(collection); it != entries_.end()) {
    it->second = fresh;
  } else {
    entries_.emplace(std::string(collection), fresh);
  }
}

std::size_t document_count_cache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace index_optimizer
