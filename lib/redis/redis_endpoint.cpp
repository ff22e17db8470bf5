#include "redis/redis_endpoint.hpp"

namespace index_optimizer {

std::string to_string(const redis_endpoint& endpoint) {
  std::string credentials;
  if (!endpoint.password.empty()) credentials = endpoint.username + ":***@";
  if (endpoint.is_unix()) {
    return "unix://" + credentials + endpoint.unix_path + "?db=" + std::to_string(endpoint.db);
  }
  const bool ipv6 = endpoint.host.find(':') != std::string::npos;
  const std::string host = ipv6 ? "[" + endpoint.host + "]" : endpoint.host;
  return "redis://" + credentials + host + ":" + std::to_string(endpoint.port) + "/" +
         std::to_string(endpoint.db);
}

}  // namespace index_optimizer
