#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/string_map.hpp"
#include "namespace_model/namespace_model.hpp"

namespace index_optimizer {

// The namespaces last parsed from their stored documents, each with the exact text it was parsed
// from. Every namespace GET and PATCH reads the document from Redis (the system of record, shared
// by every replica), and parsing it — JSON, then the model's checks — was the largest part of a
// no-op PATCH's CPU. A document whose text equals the cached text parses to the cached model, so
// reusing it can never answer anything a fresh parse would not have: a change by any writer
// changes the text (its version at least). Bounded: past `capacity` keys, an arbitrary one makes
// room. Thread-safe.
class parsed_document_cache {
 public:
  explicit parsed_document_cache(std::size_t capacity = 1024) : capacity_(capacity) {}

  // The model parsed from exactly `document` under `key`, if cached.
  std::optional<namespace_model> find(std::string_view key, std::string_view document) const;
  void store(std::string_view key, std::string_view document, const namespace_model& model);

  std::size_t size() const;

 private:
  struct entry {
    std::string document;
    namespace_model model;
  };
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  string_map<std::shared_ptr<const entry>> entries_;
};

}  // namespace index_optimizer
