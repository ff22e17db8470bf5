#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace index_optimizer {

// Which fields need a fresh sample filter in the next commit. Sending one per field per commit
// would multiply the commit's size by the sample's (up to 2 KiB); one per field per `refresh` keeps
// the evidence recent at a negligible cost. Over an injected clock, so it is unit-tested alone.
class sample_tracker {
 public:
  using clock = std::chrono::steady_clock;

  explicit sample_tracker(std::chrono::milliseconds refresh = std::chrono::seconds(60),
                          std::size_t max_entries = 100000);

  bool wants(std::string_view namespace_id, std::string_view path, clock::time_point now) const;
  // A sample of the field was committed at `now`.
  void record(std::string_view namespace_id, std::string_view path, clock::time_point now);

 private:
  // The map's key in `key_`, reused: a lookup allocates nothing.
  const std::string& key_of(std::string_view namespace_id, std::string_view path) const;

  std::chrono::milliseconds refresh_;
  std::size_t max_entries_;
  std::unordered_map<std::string, clock::time_point> sent_;
  mutable std::string key_;
};

}  // namespace index_optimizer
