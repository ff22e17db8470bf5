#pragma once

#include <chrono>
#include <functional>
#include <memory>
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
  // How long a namespace's window counts, once read, answer further requests; 0 reads Redis for
  // every request. Reading a window costs O(fields) in Redis and in the daemon (a namespace
  // with 200 filtered fields is ~9 000 hash entries, ~10 ms of daemon CPU), and Redis runs it
  // between ingestion's commits, so a dashboard polled by many viewers would otherwise load both
  // with the same read over and over. Once the counts are older, one request reads them again
  // while the others go on with the previous read (refreshed_value.hpp), so counts are at most
  // twice this old, on top of ingestion's own delay (ingest.commit_interval). The namespace
  // itself (is_indexed, is_protected) is read fresh every time.
  std::chrono::milliseconds window_stats_ttl{1000};
};

// GET /v1/analytics/indexes/usage and GET /v1/analytics/indexes/suggestions (read permission,
// namespace in the X-Namespace header), as Mixpeek's API defines them.
void add_analytics_routes(http::router& router, analytics_api_dependencies dependencies);

}  // namespace index_optimizer
