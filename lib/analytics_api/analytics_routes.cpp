#include "analytics_api/analytics_routes.hpp"

#include "analytics_api/index_analytics.hpp"
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

std::variant<namespace_window_stats, http::api_response> read_window(
    const analytics_api_dependencies& deps, const std::string& namespace_id, window_kind window) {
  auto lease = deps.redis->acquire(deps.cfg->redis.connect_timeout);
  if (!lease) return unavailable("redis", lease.error().message);
  auto stats = read_namespace_window(**lease, *deps.cfg, namespace_id, window);
  if (!stats) return unavailable("redis", stats.error().message);
  return std::move(*stats);
}

http::api_response usage(const analytics_api_dependencies& deps, http::api_request& request) {
  const auto query = parse_usage_query(request.query, deps.cfg->window);
  if (!query) return validation_failure(query.errors());
  auto ns = resolve_namespace(deps, request);
  if (auto* r = std::get_if<http::api_response>(&ns)) return std::move(*r);
  const auto& model = std::get<namespace_model>(ns);
  auto stats = read_window(deps, model.namespace_id, query.value().window);
  if (auto* r = std::get_if<http::api_response>(&stats)) return std::move(*r);
  return http::json_response(
      200, field_usage_response(model, std::get<namespace_window_stats>(stats), query.value()));
}

http::api_response suggestions(const analytics_api_dependencies& deps, http::api_request& request) {
  const auto query = parse_suggestions_query(request.query, deps.cfg->window);
  if (!query) return validation_failure(query.errors());
  auto ns = resolve_namespace(deps, request);
  if (auto* r = std::get_if<http::api_response>(&ns)) return std::move(*r);
  const auto& model = std::get<namespace_model>(ns);
  auto decision = read_window(deps, model.namespace_id, window_kind::decision);
  if (auto* r = std::get_if<http::api_response>(&decision)) return std::move(*r);
  auto analytics = read_window(deps, model.namespace_id, window_kind::analytics);
  if (auto* r = std::get_if<http::api_response>(&analytics)) return std::move(*r);
  const auto& d = std::get<namespace_window_stats>(decision);
  const auto& a = std::get<namespace_window_stats>(analytics);
  const auto& analysed = query.value().window == window_kind::decision ? d : a;
  std::optional<std::chrono::system_clock::time_point> next_run;
  if (deps.next_auto_create_run) next_run = deps.next_auto_create_run();
  return http::json_response(
      200, index_suggestions_response(model, analysed, d, &a, query.value(), next_run));
}

}  // namespace

void add_analytics_routes(http::router& router, analytics_api_dependencies dependencies) {
  router.add({verb::get, "/v1/analytics/indexes/usage", permission::read,
              [deps = dependencies](http::api_request& r) { return usage(deps, r); }});
  router.add({verb::get, "/v1/analytics/indexes/suggestions", permission::read,
              [deps = dependencies](http::api_request& r) { return suggestions(deps, r); }});
}

}  // namespace index_optimizer
