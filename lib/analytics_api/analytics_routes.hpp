#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "config/config.hpp"
#include "http/router.hpp"
#include "namespace_registry/namespace_registry.hpp"
#include "redis/redis_pool.hpp"

namespace index_optimizer {

struct analytics_api_dependencies {
  namespace_registry* registry = nullptr;  // resolves X-Namespace (id or name)
  redis_pool* redis = nullptr;             // window reads
  const config* cfg = nullptr;
  // When the optimizer runs next; nullopt while unknown or disabled.
  std::function<std::optional<std::chrono::system_clock::time_point>()> next_auto_create_run;
};

// GET /v1/analytics/indexes/usage and GET /v1/analytics/indexes/suggestions (read permission,
// namespace in the X-Namespace header), as Mixpeek's API defines them.
void add_analytics_routes(http::router& router, analytics_api_dependencies dependencies);

}  // namespace index_optimizer
