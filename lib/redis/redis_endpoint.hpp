#pragma once

#include <string>

#include "config/endpoints.hpp"

namespace index_optimizer {

// The endpoint as a URL for logs and error messages, with the password replaced by "***".
// (redis_endpoint and parse_redis_url live in config/endpoints.hpp: the config is the one place
// URLs are parsed.)
std::string to_string(const redis_endpoint& endpoint);

}  // namespace index_optimizer
