#include "app/application.hpp"

#include <sys/resource.h>

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <csignal>
#include <cstdint>
#include <future>

#include "analytics_api/analytics_routes.hpp"
#include "auth/api_key_authenticator.hpp"
#include "http/descriptor_budget.hpp"
#include "http/http_metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "ingest/ingest_service.hpp"
#include "namespace_api/namespace_routes.hpp"
#include "namespace_registry/namespace_registry.hpp"
#include "namespace_writer/namespace_writer.hpp"
#include "ops/exposition.hpp"
#include "ops/health_registry.hpp"
#include "ops/logger.hpp"
#include "ops/process_collector.hpp"
#include "ops/systemd_notifier.hpp"
#include "optimizer/optimizer_routes.hpp"
#include "optimizer/optimizer_service.hpp"
#include "qdrant_client/qdrant_client.hpp"
#include "redis/redis_pool.hpp"
#include "window_store/window_store.hpp"

namespace index_optimizer {

namespace asio = boost::asio;
using boost::beast::http::verb;

namespace {

http::server_options server_options_from(const config& cfg) {
  http::server_options o;
  o.address = cfg.http.address;
  o.port = static_cast<unsigned short>(cfg.http.port);
  o.io_threads = static_cast<unsigned>(cfg.http.threads);
  o.worker_threads = static_cast<unsigned>(cfg.http.worker_threads);
  o.max_body_bytes = cfg.http.max_body_bytes;
  o.max_header_bytes = cfg.http.max_header_bytes;
  o.read_timeout = cfg.http.read_timeout;
  o.idle_timeout = cfg.http.idle_timeout;
  o.write_timeout = cfg.http.read_timeout;
  o.request_timeout = cfg.http.request_timeout;
  o.max_connections = static_cast<size_t>(cfg.http.max_connections);
  o.reserved_connections = static_cast<size_t>(cfg.http.reserved_connections);
  o.auth_required = cfg.auth.required;
  o.open_paths = {cfg.auth.open_paths.begin(), cfg.auth.open_paths.end()};
  return o;
}

redis_pool_options redis_pool_options_from(const config& cfg) {
  redis_pool_options o;
  o.size = static_cast<size_t>(cfg.redis.pool_size);
  o.connect_timeout = cfg.redis.connect_timeout;
  o.command_timeout = cfg.redis.command_timeout;
  return o;
}

// The window store's part in deleting a namespace: its window counts go with it.
namespace_deleted_hook remove_window_counts(redis_pool& redis, const config& cfg) {
  return [&redis, &cfg](const std::string& namespace_id) {
    auto lease = redis.acquire(cfg.redis.command_timeout);
    if (!lease) {
      log_warn("could not remove a deleted namespace's window counts; they age out",
               {{"namespace_id", namespace_id}, {"error", lease.error().message}});
      return;
    }
    if (auto removed = delete_namespace_counts(**lease, cfg, namespace_id); !removed) {
      log_warn("could not remove a deleted namespace's window counts; they age out",
               {{"namespace_id", namespace_id}, {"error", removed.error().message}});
    }
  };
}

void log_qdrant_mode(const config& cfg, const qdrant_gateway* qdrant) {
  if (qdrant != nullptr) {
    log_info("qdrant configured", {{"host", cfg.qdrant.endpoint->host},
                                   {"port", cfg.qdrant.endpoint->port},
                                   {"tls", cfg.qdrant.endpoint->tls()}});
    return;
  }
  log_info(
      "no Qdrant configured (qdrant.url is empty): catalog-only mode, index changes are "
      "recorded in the namespace registry only");
}

}  // namespace

struct application::state {
  config cfg;
  std::filesystem::path config_path;
  std::map<std::string, std::string> environment;

  // The object graph, in the order build_components() builds it. Members are destroyed in
  // reverse order, so every component outlives the ones built from it.
  std::shared_ptr<prometheus::Registry> metrics = std::make_shared<prometheus::Registry>();
  std::shared_ptr<process_collector> process = std::make_shared<process_collector>();
  std::shared_ptr<health_registry> health = std::make_shared<health_registry>();
  std::shared_ptr<redis_pool> redis;
  std::unique_ptr<qdrant_gateway> qdrant;          // null: catalog-only mode
  std::shared_ptr<namespace_registry> namespaces;  // the system of record
  std::shared_ptr<namespace_writer> writer;        // every index change and namespace write
  std::unique_ptr<ingest_service> ingest;          // events -> window counts
  std::unique_ptr<optimizer_service> optimizer;    // window counts -> indexes, via `writer`
  std::shared_ptr<api_key_authenticator> auth;
  std::unique_ptr<http::server> server;  // routes over all of the above
  systemd_notifier notifier;

  asio::io_context signals_io;  // the main thread's loop: signals and the watchdog
  bool ready_sent = false;      // touched only on the main thread

  void announce_start();
  void build_components();
  http::router build_router();
  void start_serving();
  // Runs the main thread's loop (signals, readiness, watchdog) until a stop signal or an error;
  // true when a signal asked to stop.
  bool serve_until_stopped(asio::signal_set& signals);
  void drain();
  void reload();
};

void application::state::announce_start() {
  configure_logging(cfg.logging.level, cfg.logging.format);
  log_info("starting index-optimizer",
           {{"version", INDEX_OPTIMIZER_VERSION}, {"config", config_path.string()}});
  for (const auto& warning : config_warnings(cfg))
    log_warn(warning);
  for (const auto& warning : environment_warnings(environment))
    log_warn(warning);
  if (rlimit files{}; ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
    if (const auto warning = http::descriptor_limit_warning(
            static_cast<std::uint64_t>(cfg.http.max_connections), files.rlim_cur)) {
      log_warn(*warning);
    }
  }
  if (cfg.auth.required && cfg.auth.keys.empty()) {
    log_warn(
        "auth.required is on but no auth.keys are configured: every protected route "
        "answers 401");
  }
  prometheus::BuildGauge()
      .Name("index_optimizer_build_info")
      .Help("Build information; the value is always 1.")
      .Register(*metrics)
      .Add({{"version", INDEX_OPTIMIZER_VERSION}})
      .Set(1);
}

// The whole object graph, in one place: stores, then the components that use them, then the
// HTTP server whose routes reach them.
void application::state::build_components() {
  redis = std::make_shared<redis_pool>(cfg.redis.endpoint, redis_pool_options_from(cfg));
  health->add_check("redis", [redis = redis, timeout = cfg.redis.connect_timeout] {
    const auto r = redis->ping(timeout);
    if (r) return health_check_result{"redis", true, ""};
    return health_check_result{"redis", false, "unreachable: " + r.error().message};
  });
  qdrant = make_qdrant_gateway(cfg.qdrant, metrics.get());
  log_qdrant_mode(cfg, qdrant.get());

  namespaces = std::make_shared<namespace_registry>(*redis, namespace_registry_options_from(cfg),
                                                    remove_window_counts(*redis, cfg));
  writer = std::make_shared<namespace_writer>(namespaces, qdrant.get(),
                                              namespace_writer_options_from(cfg));

  health->register_component("ingest", ingest_service::stall_limit(cfg));
  ingest = std::make_unique<ingest_service>(
      cfg, *metrics,
      ingest_health_hooks{
          [h = health] { h->heartbeat("ingest"); },
          [h = health](const std::string& reason) { h->report_failure("ingest", reason); }});
  health->add_check("redis_memory", [i = ingest.get()] { return i->memory_check(); });
  health->add_check("redis_data", [i = ingest.get()] { return i->data_loss_check(); });
  health->register_component("optimizer", optimizer_service::stall_limit(cfg));
  optimizer = std::make_unique<optimizer_service>(
      cfg, *redis, qdrant.get(), *writer, *metrics,
      optimizer_health_hooks{
          [h = health] { h->heartbeat("optimizer"); },
          [h = health](const std::string& reason) { h->report_failure("optimizer", reason); }});

  auth = std::make_shared<api_key_authenticator>(cfg.auth.keys);
  server = std::make_unique<http::server>(server_options_from(cfg), build_router(), auth,
                                          std::make_shared<http::http_metrics>(*metrics));
}

// The routes, over the components build_components() made.
http::router application::state::build_router() {
  http::router r;
  namespace_api_dependencies namespace_api;
  namespace_api.registry = namespaces;
  namespace_api.writer = writer;
  namespace_api.qdrant = qdrant.get();
  namespace_api.settings = cfg.namespaces;
  add_namespace_routes(r, std::move(namespace_api));
  add_openapi_route(r);
  add_optimizer_routes(r, *optimizer);
  add_analytics_routes(
      r, {namespaces.get(), redis.get(), &cfg, [this] { return optimizer->next_run_at(); }});
  r.add({verb::get, "/healthz", permission::read,
         [](http::api_request&) {
           return http::json_response(200, boost::json::object{{"status", "ok"}});
         },
         http::execution::inline_io});
  r.add({verb::get, "/readyz", permission::read, [this](http::api_request&) {
           const auto results = health->evaluate();
           boost::json::array checks;
           std::string failing;
           for (const auto& c : results) {
             checks.push_back({{"name", c.name}, {"ok", c.ok}, {"detail", c.detail}});
             if (!c.ok) failing += (failing.empty() ? "" : "; ") + c.name + ": " + c.detail;
           }
           if (health_registry::all_ok(results)) {
             return http::json_response(200, {{"status", "ready"}, {"checks", checks}});
           }
           return http::with_retry_after(
               http::error_response(503, "Not ready: " + failing, {{"checks", checks}}),
               std::chrono::seconds(1));
         }});
  r.add({verb::get, "/metrics", permission::read,
         [this](http::api_request&) {
           http::api_response res;
           res.content_type = std::string(k_prometheus_content_type);
           res.body = render_prometheus_text({metrics, process});
           return res;
         },
         http::execution::inline_io});
  return r;
}

void application::state::start_serving() {
  server->start();
  ingest->start();
  optimizer->start();
  log_info("http listening",
           {{"address", cfg.http.address}, {"port", static_cast<int>(server->local_port())}});
}

bool application::state::serve_until_stopped(asio::signal_set& signals) {
  bool stop_requested = false;
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        if (signo == SIGHUP) {
          log_info("SIGHUP: reloading configuration");
          reload();
          signals.async_wait(on_signal);
          return;
        }
        log_info("stop signal received", {{"signal", signo == SIGTERM ? "SIGTERM" : "SIGINT"}});
        stop_requested = true;
        signals_io.stop();
      };
  signals.async_wait(on_signal);

  // READY=1 once the listener is bound and Redis answered: until then systemd keeps dependent
  // units waiting, and /readyz says what is missing.
  asio::steady_timer redis_wait(signals_io);
  std::function<void()> try_ready = [&] {
    const auto r = redis->ping(cfg.redis.connect_timeout);
    if (r) {
      log_info("redis reachable; ready");
      ready_sent = true;
      notifier.ready();
      return;
    }
    log_warn("waiting for redis", {{"error", r.error().message}});
    redis_wait.expires_after(std::chrono::seconds(1));
    redis_wait.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) try_ready();
    });
  };
  asio::post(signals_io, try_ready);

  // Watchdog pings only while every component's loop is alive (progress or a failure report), so
  // a wedged consumer gets the unit restarted. Health is not required: a Redis outage longer than
  // WatchdogSec must not get the daemon killed and restarted into TimeoutStartSec (no READY
  // without Redis) until StartLimitBurst leaves the unit failed, with nothing left to resume
  // ingestion once Redis is back.
  asio::steady_timer watchdog(signals_io);
  std::function<void()> arm_watchdog = [&] {
    const auto interval = notifier.watchdog_interval();
    if (!interval) return;
    watchdog.expires_after(*interval);
    watchdog.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      if (health->alive()) notifier.watchdog();
      arm_watchdog();
    });
  };
  arm_watchdog();

  signals_io.run();
  return stop_requested;
}

void application::state::drain() {
  notifier.stopping();
  log_info("draining", {{"deadline_ms", static_cast<int64_t>(cfg.shutdown.drain_timeout.count())}});
  // HTTP drains while the consumers finish their in-flight commits: both within the deadline.
  auto ingest_stopped =
      std::async(std::launch::async, [&] { return ingest->stop(cfg.shutdown.drain_timeout); });
  auto optimizer_stopped =
      std::async(std::launch::async, [&] { return optimizer->stop(cfg.shutdown.drain_timeout); });
  server->shutdown(cfg.shutdown.drain_timeout);
  if (!optimizer_stopped.get()) {
    log_warn(
        "the optimizer run did not stop within shutdown.drain_timeout; its lease expires "
        "and the next leader resumes the run");
  }
  if (!ingest_stopped.get()) {
    log_warn(
        "ingest did not finish its commit within shutdown.drain_timeout; its entries stay "
        "pending and are counted after the restart");
  }
  log_info("stopped");
}

void application::state::reload() {
  if (ready_sent) notifier.reloading();
  try {
    config next = load_config(config_path, environment_snapshot());
    if (auto problems = reload_problems(next); !problems.empty()) throw config_error(problems);
    const auto changes = describe_reload(cfg, next);
    for (const auto& change : changes)
      log_info("config change applied", {{"change", change}});
    log_info("config reloaded", {{"changes", changes.size()}});
    for (const auto& key : changed_restart_keys(cfg, next)) {
      log_warn("config change needs a restart to take effect", {{"key", key}});
    }
    configure_logging(next.logging.level, next.logging.format);
    auth->replace_keys(next.auth.keys);
    server->set_auth_required(next.auth.required);
    // Only reloadable sections are carried over; the rest keeps its start-up value.
    cfg.logging = next.logging;
    cfg.auth = next.auth;
    cfg.optimizer = next.optimizer;
    optimizer->reconfigure(cfg);
  } catch (const std::exception& e) {
    log_error("config reload failed; keeping the running config", {{"error", e.what()}});
  }
  // RELOADING=1 must be answered with READY=1, but only once start-up declared readiness:
  // a SIGHUP while still waiting for Redis must not tell systemd we are ready.
  if (ready_sent) {
    notifier.status("serving");
    notifier.ready();
  }
}

application::application(config cfg, std::filesystem::path config_path,
                         std::map<std::string, std::string> environment)
    : state_(std::make_unique<state>()) {
  state_->cfg = std::move(cfg);
  state_->config_path = std::move(config_path);
  state_->environment = std::move(environment);
}

application::~application() = default;

int application::run() {
  auto& s = *state_;
  // Installed before anything starts, so before the listener binds: once /healthz answers, a
  // SIGTERM or SIGHUP (an orchestrator after its health check, a test) is queued for the loop
  // instead of taking the default action (terminating without a drain) while the components are
  // still starting. The handlers run only inside serve_until_stopped().
  asio::signal_set signals(s.signals_io, SIGTERM, SIGINT, SIGHUP);
  s.announce_start();
  s.build_components();
  s.start_serving();
  const bool stop_requested = s.serve_until_stopped(signals);
  s.drain();
  return stop_requested ? 0 : 1;
}

}  // namespace index_optimizer
