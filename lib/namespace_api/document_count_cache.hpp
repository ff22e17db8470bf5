#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace index_optimizer {

// Qdrant's points_count per collection, remembered for a short time. Every namespace response
// carries document_count; asking Qdrant (GET /collections/{c}, which makes Qdrant walk the
// collection's segments) on every GET and PATCH would put the admin API's request rate onto
// the production vector database and a Qdrant round trip into every response. Qdrant's count is
// approximate anyway; a count at most `ttl` old changes nothing a client can rely on.
//
// Only answers Qdrant gave are remembered: while Qdrant fails, every request asks again (and
// shows null), so a recovered Qdrant is seen at once. Thread-safe.
class document_count_cache {
 public:
  using clock_function = std::function<std::chrono::steady_clock::time_point()>;

  explicit document_count_cache(
      std::chrono::milliseconds ttl,
      clock_function clock = [] { return std::chrono::steady_clock::now(); });

  // The count remembered for `collection` (itself nullopt when Qdrant reported none), or nullopt
  // when there is no fresh entry.
  std::optional<std::optional<std::int64_t>> find(std::string_view collection) const;
  void store(std::string_view collection, std::optional<std::int64_t> count);
  // Entries held, fresh or not (tests).
  std::size_t size() const;

 private:
  struct entry {
    std::optional<std::int64_t> count;
    std::chrono::steady_clock::time_point expires;
  };
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };

  const std::chrono::milliseconds ttl_;
  const clock_function clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, entry, string_hash, std::equal_to<>> entries_;
};

}  // namespace index_optimizer
