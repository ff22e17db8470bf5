#include "analytics_api/analytics_routes.hpp"

#include "analytics_api/index_analytics.hpp"
#include "expiring_cache/expiring_cache.hpp"
#include "logging/logger.hpp"
#include "utf8_text/utf8_text.hpp"
#include "window_store/window_store.hpp"

namespace index_optimizer {
namespace {

using boost::beast::http::verb;

http::api_response validation_failure(const std::vector<validation_error>& errors) {
  return http::json_response(422, validation_error_envelope(errors));
}

http::api_response unavailable(std::string_view what, const std::string& why) {
  log_warn("analytics request failed", {{"step", what}, {"error", why}});
  return http::error_response(503, std::string(what) + " is unavailable; retry later");
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

using shared_stats = std::shared_ptr<const namespace_window_stats>;

struct analytics_routes {
  analytics_api_dependencies deps;
  // (namespace id, window) -> its counts as last read; shared, so a hit copies nothing.
  expiring_cache<shared_stats> windows;
};

std::variant<shared_stats, http::api_response> read_window(analytics_routes& routes,
                                                           const std::string& namespace_id,
                                                           window_kind window) {
  const std::string key = namespace_id + (window == window_kind::decision ? "/d" : "/a");
  if (auto remembered = routes.windows.find(key)) return std::move(*remembered);
  const auto& deps = routes.deps;
  auto lease = deps.redis->acquire(deps.cfg->redis.connect_timeout);
  if (!lease) return unavailable("redis", lease.error().message);
  auto stats = read_namespace_window(**lease, *deps.cfg, namespace_id, window);
  if (!stats) return unavailable("redis", stats.error().message);
  auto shared = std::make_shared<const namespace_window_stats>(std::move(*stats));
  routes.windows.store(key, shared);
  return shared;
}

http::api_response usage(analytics_routes& routes, http::api_request& request) {
  const auto& deps = routes.deps;
  const auto query = parse_usage_query(request.query, deps.cfg->window);
  if (!query) return validation_failure(query.errors());
  auto ns = resolve_namespace(deps, request);
  if (auto* r = std::get_if<http::api_response>(&ns)) return std::move(*r);
  const auto& model = std::get<namespace_model>(ns);
  auto stats = read_window(routes, model.namespace_id, query.value().window);
  if (auto* r = std::get_if<http::api_response>(&stats)) return std::move(*r);
  return http::json_response(
      200, field_usage_response(model, *std::get<shared_stats>(stats), query.value()));
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
  const auto& d = *std::get<shared_stats>(decision);
  const auto& a = *std::get<shared_stats>(analytics);
  const auto& analysed = query.value().window == window_kind::decision ? d : a;
  std::optional<std::chrono::system_clock::time_point> next_run;
  if (deps.next_auto_create_run) next_run = deps.next_auto_create_run();
  return http::json_response(
      200, index_suggestions_response(model, analysed, d, &a, query.value(), next_run));
}

}  // namespace

void add_analytics_routes(http::router& router, analytics_api_dependencies dependencies) {
  const auto ttl = dependencies.window_stats_ttl;
  auto routes = std::shared_ptr<analytics_routes>(
      new analytics_routes{std::move(dependencies), expiring_cache<shared_stats>(ttl)});
  router.add({verb::get, "/v1/analytics/indexes/usage", permission::read,
              [routes](http::api_request& r) { return usage(*routes, r); }});
  router.add({verb::get, "/v1/analytics/indexes/suggestions", permission::read,
              [routes](http::api_request& r) { return suggestions(*routes, r); }});
}

}  // namespace index_optimizer
