#include "ingest/sample_tracker.hpp"

namespace index_optimizer {

sample_tracker::sample_tracker(std::chrono::milliseconds refresh, std::size_t max_entries)
    : refresh_(refresh), max_entries_(max_entries) {}

const std::string& sample_tracker::key_of(std::string_view namespace_id,
                                          std::string_view path) const {
  // Field paths never hold control characters (the decoder rejects them), so '\n' separates.
  key_.assign(namespace_id);
  key_ += '\n';
  key_ += path;
  return key_;
}

bool sample_tracker::wants(std::string_view namespace_id, std::string_view path,
                           clock::time_point now) const {
  const auto it = sent_.find(key_of(namespace_id, path));
  return it == sent_.end() || now - it->second >= refresh_;
}

void sample_tracker::record(std::string_view namespace_id, std::string_view path,
                            clock::time_point now) {
  if (sent_.size() >= max_entries_) {
    std::erase_if(sent_, [&](const auto& entry) { return now - entry.second >= refresh_; });
    if (sent_.size() >= max_entries_) sent_.clear();
  }
  sent_[key_of(namespace_id, path)] = now;
}

}  // namespace index_optimizer
