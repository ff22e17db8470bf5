#include "ingest/writer_sums.hpp"

#include <iterator>

namespace index_optimizer {

const writer_sums::bucket_sum* writer_sums::find(std::string_view namespace_id,
                                                 std::int64_t start_ms) const {
  const auto found = buckets_.find({std::string(namespace_id), start_ms});
  return found == buckets_.end() ? nullptr : &found->second;
}

void writer_sums::add(std::string_view namespace_id, std::int64_t start_ms, std::uint64_t events,
                      const field_map& fields) {
  auto& sum = buckets_[{std::string(namespace_id), start_ms}];
  ++sum.version;
  sum.events += events;
  for (const auto& [path, delta] : fields) {
    auto found = sum.fields.find(path);
    if (found == sum.fields.end()) {
      sum.fields.emplace(path, delta);
    } else {
      combine(found->second, delta);
    }
  }
}

void writer_sums::forget(std::string_view namespace_id, std::int64_t start_ms) {
  buckets_.erase({std::string(namespace_id), start_ms});
}

void writer_sums::forget_before(std::int64_t start_ms) {
  std::erase_if(buckets_,
                [start_ms](const auto& bucket) { return bucket.first.second < start_ms; });
}

}  // namespace index_optimizer
