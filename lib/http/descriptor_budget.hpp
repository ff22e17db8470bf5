#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace index_optimizer::http {

// Descriptors the daemon needs besides its HTTP connections: the listener, the Redis pool and
// stream consumer, the Qdrant pool (which grows with parallel calls), log and config files. 16
// when idle; the rest is room.
inline constexpr std::uint64_t k_reserved_descriptors = 64;

// The startup warning when the soft RLIMIT_NOFILE cannot hold http.max_connections connections
// plus the reserve (the process would run out of descriptors before the limit holds), or
// nullopt when it can.
std::optional<std::string> descriptor_limit_warning(std::uint64_t max_connections,
                                                    std::uint64_t soft_limit);

}  // namespace index_optimizer::http
