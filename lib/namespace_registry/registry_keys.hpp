#pragma once

#include <string>
#include <string_view>

namespace index_optimizer {

// The namespace registry's Redis keys (docs/redis-keys.md). Every key carries the `{ns}` hash
// tag, so the scripts that touch a namespace's document, the name index and the order set run on
// one Redis Cluster slot. The ingestion component reads `doc` and `names` directly to resolve a
// namespace reference, so these spellings are a contract.
class registry_keys {
 public:
  explicit registry_keys(std::string prefix);

  std::string doc(std::string_view namespace_id) const;   // P{ns}:doc:<id>
  std::string names() const;                              // P{ns}:names
  std::string order() const;                              // P{ns}:order
  std::string lock(std::string_view namespace_id) const;  // P{ns}:lock:<id>

 private:
  std::string base_;  // P{ns}:
};

}  // namespace index_optimizer
