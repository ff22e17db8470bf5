#include "analytics_api/analytics_routes.hpp"

#include <boost/json/serialize.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <unordered_map>

#include "analytics_api/index_analytics.hpp"
#include "base/refreshed_value.hpp"
#include "ops/logger.hpp"
#include "text/utf8_text.hpp"
#include "window_store/window_store.hpp"

namespace index_optimizer {
namespace {

using boost::beast::http::verb;

http::api_response validation_failure(const std::vector<validation_error>& errors) {
  return http::json_response(422, validation_error_envelope(errors));
}

http::api_response unavailable(std::string_view what, const std::string& why) {
  log_warn("analytics request failed", {{"step", what}, {"error", why}});
  return http::with_retry_after(
      http::error_response(503, std::string(what) + " is unavailable; retry later"),
      std::chrono::seconds(1));
}

// The namespace named by X-Namespace, or the response that explains why there is none.
std::variant<namespace_model, http::api_response> resolve_namespace(
    const analytics_api_dependencies& deps, const http::api_request& request) {
  const auto header = request.header("X-Namespace");
  if (!header || header->empty()) {
    return validation_failure(
        {{"missing", {"header", "X-Namespace"}, "X-Namespace header is required"}});
  }
  auto resolved = deps.registry->resolve(*header);
  if (resolved) return std::move(*resolved);
  const auto& error = resolved.error();
  if (error.code == registry_errc::not_found) {
    return http::error_response(404, "Namespace not found",
                                {{"resource", "namespace"}, {"id", to_valid_utf8(*header)}});
  }
  return unavailable("namespace registry", error.message);
}

// One read of a namespace's window, and the usage answers rendered from it: a namespace polled
// again before the read expires, unchanged (same version) and with the same query, gets the same
// bytes without building ~200 field objects again.
struct window_read {
  explicit window_read(namespace_window_stats s) : stats(std::move(s)) {}
  const namespace_window_stats stats;
  std::mutex mutex;
  // "version/period/min_count/limit[/cursor]" -> the serialised FieldUsageResponse.
  std::map<std::string, std::shared_ptr<const std::string>, std::less<>> usage_bodies;
};
using shared_read = std::shared_ptr<window_read>;

// Rendered answers kept per read: a handful of query variants per namespace is the normal case.
constexpr std::size_t k_usage_bodies_per_read = 16;

struct analytics_routes {
  analytics_api_dependencies deps;
  // (namespace id, window) -> its counts as last read, refreshed by one request at a time.
  std::mutex slots_mutex;
  std::unordered_map<std::string, std::shared_ptr<refreshed_value<window_read>>> slots;
};

std::shared_ptr<refreshed_value<window_read>> window_slot(
    analytics_routes& routes, const std::string& key, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(routes.slots_mutex);
  // A read of a namespace at its field cap holds megabytes: one too old to be used even while
  // refreshing is dropped at once, so the daemon holds only the reads of the last two ttls.
  const auto unusable = 2 * routes.deps.window_stats_ttl;
  std::erase_if(routes.slots, [&](const auto& entry) {
    return entry.first != key && !entry.second->refreshing() &&
           now - entry.second->read_at() >= unusable;
  });
  auto& slot = routes.slots[key];
  if (!slot) slot = std::make_shared<refreshed_value<window_read>>();
  return slot;
}

std::variant<shared_read, http::api_response> read_window(analytics_routes& routes,
                                                          const std::string& namespace_id,
                                                          window_kind window) {
  const std::string key = namespace_id + (window == window_kind::decision ? "/d" : "/a");
  const auto started = std::chrono::steady_clock::now();
  const auto slot = window_slot(routes, key, started);
  auto claim = slot->acquire(started, routes.deps.window_stats_ttl);
  if (!claim.refresh) return std::move(claim.value);
  const auto& deps = routes.deps;
  auto lease = deps.redis->acquire(deps.cfg->redis.connect_timeout);
  if (!lease) {
    slot->failed();
    return unavailable("redis", lease.error().message);
  }
  auto stats = read_namespace_window(**lease, *deps.cfg, namespace_id, window);
  if (!stats) {
    slot->failed();
    return unavailable("redis", stats.error().message);
  }
  // Neither response shows sample filters (up to 2 KiB per field): not kept.
  for (auto& field : stats->fields)
    std::string().swap(field.sample_filter);
  if (stats->overflow) std::string().swap(stats->overflow->sample_filter);
  auto fresh = std::make_shared<window_read>(std::move(*stats));
  slot->refreshed(fresh, started);
  return fresh;
}

std::shared_ptr<const std::string> usage_body(window_read& read, const namespace_model& ns,
                                              const usage_query& query,
                                              std::int64_t max_fields_per_namespace) {
  std::string key = std::to_string(ns.version) + "/" + query.period + "/" +
                    std::to_string(query.min_count) + "/" + std::to_string(query.limit);
  if (query.after) key += "/" + encode_field_cursor(*query.after);
  // Rendered under the lock: right after a refresh every request in flight for the namespace
  // would otherwise render the same answer at once (milliseconds of CPU each, a latency spike
  // every second); this way one renders and the others wait for it.
  std::lock_guard lock(read.mutex);
  if (const auto it = read.usage_bodies.find(key); it != read.usage_bodies.end()) {
    return it->second;
  }
  auto body = std::make_shared<const std::string>(boost::json::serialize(
      field_usage_response(ns, read.stats, query, max_fields_per_namespace)));
  if (read.usage_bodies.size() < k_usage_bodies_per_read) read.usage_bodies.emplace(key, body);
  return body;
}

http::api_response usage(analytics_routes& routes, http::api_request& request) {
  const auto& deps = routes.deps;
  const auto query = parse_usage_query(request.query, deps.cfg->window);
  if (!query) return validation_failure(query.errors());
  auto ns = resolve_namespace(deps, request);
  if (auto* r = std::get_if<http::api_response>(&ns)) return std::move(*r);
  const auto& model = std::get<namespace_model>(ns);
  auto read = read_window(routes, model.namespace_id, query.value().window);
  if (auto* r = std::get_if<http::api_response>(&read)) return std::move(*r);
  http::api_response response;
  response.body = *usage_body(*std::get<shared_read>(read), model, query.value(),
                              deps.cfg->ingest.max_fields_per_namespace);
  return response;
}

http::api_response suggestions(analytics_routes& routes, http::api_request& request) {
  const auto& deps = routes.deps;
  const auto query = parse_suggestions_query(request.query, deps.cfg->window);
  if (!query) return validation_failure(query.errors());
  auto ns = resolve_namespace(deps, request);
  if (auto* r = std::get_if<http::api_response>(&ns)) return std::move(*r);
  const auto& model = std::get<namespace_model>(ns);
  auto decision = read_window(routes, model.namespace_id, window_kind::decision);
  if (auto* r = std::get_if<http::api_response>(&decision)) return std::move(*r);
  auto analytics = read_window(routes, model.namespace_id, window_kind::analytics);
  if (auto* r = std::get_if<http::api_response>(&analytics)) return std::move(*r);
  const auto& d = std::get<shared_read>(decision)->stats;
  const auto& a = std::get<shared_read>(analytics)->stats;
  const auto& analysed = query.value().window == window_kind::decision ? d : a;
  std::optional<std::chrono::system_clock::time_point> next_run;
  if (deps.next_auto_create_run) next_run = deps.next_auto_create_run();
  return http::json_response(
      200, index_suggestions_response(model, analysed, d, &a, query.value(), next_run));
}

}  // namespace

void add_analytics_routes(http::router& router, analytics_api_dependencies dependencies) {
  auto routes = std::make_shared<analytics_routes>();
  routes->deps = std::move(dependencies);
  router.add({verb::get, "/v1/analytics/indexes/usage", permission::read,
              [routes](http::api_request& r) { return usage(*routes, r); }});
  router.add({verb::get, "/v1/analytics/indexes/suggestions", permission::read,
              [routes](http::api_request& r) { return suggestions(*routes, r); }});
}

}  // namespace index_optimizer
