#include "http/descriptor_budget.hpp"

namespace index_optimizer::http {

std::optional<std::string> descriptor_limit_warning(std::uint64_t max_connections,
                                                    std::uint64_t soft_limit) {
  const std::uint64_t needed = max_connections + k_reserved_descriptors;
  if (soft_limit >= needed) return std::nullopt;
  return "the open-file limit (RLIMIT_NOFILE " + std::to_string(soft_limit) +
         ") is below http.max_connections (" + std::to_string(max_connections) + ") plus " +
         std::to_string(k_reserved_descriptors) +
         " for Redis, Qdrant and files: the process runs out of descriptors first and then "
         "pauses accepting. Raise LimitNOFILE= (or ulimit -n) to at least " +
         std::to_string(needed) + ", or lower http.max_connections";
}

}  // namespace index_optimizer::http
