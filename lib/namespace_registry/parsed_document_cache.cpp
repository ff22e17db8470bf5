#include "namespace_registry/parsed_document_cache.hpp"

namespace index_optimizer {

std::optional<namespace_model> parsed_document_cache::find(std::string_view key,
                                                           std::string_view document) const {
  std::shared_ptr<const entry> found;
  {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    found = it->second;
  }
  // Compared and copied outside the lock: an entry never changes once stored.
  if (found->document != document) return std::nullopt;
  return found->model;
}

void parsed_document_cache::store(std::string_view key, std::string_view document,
                                  const namespace_model& model) {
  if (capacity_ == 0) return;
  auto fresh = std::make_shared<const entry>(entry{std::string(document), model});
  std::lock_guard lock(mutex_);
  if (const auto it = entries_.find(key); it != entries_.end()) {
    it->second = std::move(fresh);
    return;
  }
  if (entries_.size() >= capacity_) entries_.erase(entries_.begin());
  entries_.emplace(std::string(key), std::move(fresh));
}

std::size_t parsed_document_cache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace index_optimizer
