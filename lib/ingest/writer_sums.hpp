#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "ingest/field_delta.hpp"

namespace index_optimizer {

// What one consumer connection has counted so far in each open decision bucket: the same sums
// its writer field in the bucket's log holds (docs/redis-keys.md, "Bucket logs"). With them a
// commit sends the bucket's new sum whole, and Redis replaces the field instead of decoding and
// adding the batch's entry in Lua, which was the largest Redis cost of a commit. The version
// counts the sums the commit script has replaced; the script replaces a sum only when the stored
// version is the one sent, so a view that lost track (a lost connection, a bucket log deleted by
// a fold or a namespace deletion) can only cost speed, never exactness.
class writer_sums {
 public:
  struct bucket_sum {
    std::int64_t version = 0;  // of the stored sum this one equals; 0: nothing stored yet
    std::uint64_t events = 0;
    field_map fields;
  };

  // nullptr when this connection has counted nothing in the bucket (as far as it knows).
  const bucket_sum* find(std::string_view namespace_id, std::int64_t start_ms) const;
  // After a commit replaced the stored sum: adds the batch's counts for the bucket.
  void add(std::string_view namespace_id, std::int64_t start_ms, std::uint64_t events,
           const field_map& fields);
  // After a commit merged the batch into the stored sum in Redis: this view is stale.
  void forget(std::string_view namespace_id, std::int64_t start_ms);
  // Buckets starting before `start_ms` are folded by now (or soon): their sums go.
  void forget_before(std::int64_t start_ms);
  void clear() noexcept { buckets_.clear(); }
  std::size_t size() const noexcept { return buckets_.size(); }

 private:
  struct key_hash {
    std::size_t operator()(const std::pair<std::string, std::int64_t>& key) const noexcept {
      return std::hash<std::string>{}(key.first) ^ (std::hash<std::int64_t>{}(key.second) << 1);
    }
  };
  std::unordered_map<std::pair<std::string, std::int64_t>, bucket_sum, key_hash> buckets_;
};

}  // namespace index_optimizer
