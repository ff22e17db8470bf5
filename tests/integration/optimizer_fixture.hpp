#pragma once

// The optimizer in-process with every real component around it: a private redis-server, the
// namespace registry, ingestion counting events XADDed to a stream, the Qdrant REST client
// against the fake Qdrant (or none: catalog-only), the admin HTTP server with the namespace and
// optimizer routes, and any number of optimizer services sharing the Redis (several instances).

#include <prometheus/registry.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "fakes/fake_qdrant.hpp"
#include "http/server.hpp"
#include "ingest/ingest_service.hpp"
#include "namespace_api/namespace_routes.hpp"
#include "namespace_model/protected_indexes.hpp"
#include "namespace_registry/namespace_registry.hpp"
#include "optimizer/optimizer_routes.hpp"
#include "optimizer/optimizer_service.hpp"
#include "qdrant_client/qdrant_client.hpp"
#include "redis/redis_pool.hpp"
#include "support/filter_events.hpp"
#include "support/http_client.hpp"
#include "support/redis_server.hpp"
#include "support/wait.hpp"
#include "window_store/window_store.hpp"

namespace index_optimizer::testing {

inline constexpr const char* k_optimizer_admin_key = "sk_admin";
inline constexpr const char* k_optimizer_reader_key = "sk_reader";

// A clock tests move by hand, shared by every service of a fixture: the schedule follows it
// while leases and timeouts stay on real time.
class manual_clock {
 public:
  explicit manual_clock(std::chrono::system_clock::time_point start) : now_ms_(to_ms(start)) {}
  std::chrono::system_clock::time_point now() const {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(now_ms_.load()));
  }
  void advance(std::chrono::milliseconds by) { now_ms_ += by.count(); }

 private:
  static std::int64_t to_ms(std::chrono::system_clock::time_point at) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
  }
  std::atomic<std::int64_t> now_ms_;
};

class optimizer_fixture {
 public:
  struct options {
    bool with_qdrant = true;
    std::vector<std::string> collections;
    std::function<void(config&)> tweak;
  };

  explicit optimizer_fixture(options o)
      : qdrant_(o.with_qdrant ? std::make_unique<fake_qdrant>(fake_options(o.collections))
                              : nullptr),
        cfg_(make_config(redis_, qdrant_.get(), o.tweak)),
        pool_(redis_.endpoint(), {16, std::chrono::seconds(1), std::chrono::seconds(2), {}}),
        registry_(pool_, {cfg_.redis.key_prefix, std::chrono::seconds(2), 16}) {
    if (qdrant_) client_ = std::make_unique<qdrant_client>(cfg_.qdrant, &metrics_);
    ingest_ = std::make_unique<ingest_service>(cfg_, metrics_);
    ingest_->start();
  }

  ~optimizer_fixture() {
    if (server_) server_->shutdown(std::chrono::seconds(5));
    for (auto& service : services_)
      service->stop(std::chrono::seconds(10));
    ingest_->stop(std::chrono::seconds(5));
  }

  config& cfg() { return cfg_; }
  fake_qdrant& qdrant() { return *qdrant_; }
  qdrant_gateway* gateway() { return client_.get(); }
  namespace_registry& registry() { return registry_; }
  redis_pool& pool() { return pool_; }
  redis_server& redis() { return redis_; }
  prometheus::Registry& metrics() { return metrics_; }

  // A new optimizer service (another "instance") on the shared Redis, started.
  optimizer_service& add_service(optimizer_service_options o = {},
                                 optimizer_health_hooks hooks = {}) {
    if (o.instance_id.empty()) o.instance_id = "instance-" + std::to_string(services_.size() + 1);
    if (o.poll == optimizer_service_options{}.poll) o.poll = std::chrono::milliseconds(20);
    // Each instance its own metrics, as separate processes would have.
    service_metrics_.push_back(std::make_unique<prometheus::Registry>());
    services_.push_back(std::make_unique<optimizer_service>(cfg_, pool_, client_.get(), registry_,
                                                            *service_metrics_.back(),
                                                            std::move(hooks), std::move(o)));
    services_.back()->start();
    return *services_.back();
  }
  prometheus::Registry& service_metrics(std::size_t index) { return *service_metrics_.at(index); }

  // The admin API (namespace routes + optimizer routes of `service`) on a free port.
  void serve(optimizer_service& service) {
    http::router router;
    add_namespace_api(router, pool_, client_.get(), cfg_, {});
    add_optimizer_routes(router, service);
    http::server_options server_options;
    server_options.port = 0;
    server_options.worker_threads = 4;
    auto auth = std::make_shared<api_key_authenticator>(
        std::vector<auth_key>{{"admin", sha256_of(k_optimizer_admin_key), {permission::admin}},
                              {"reader", sha256_of(k_optimizer_reader_key), {permission::read}}});
    server_ = std::make_unique<http::server>(server_options, std::move(router), auth,
                                             std::make_shared<http::http_metrics>(http_metrics_));
    server_->start();
  }

  http_result call(std::string_view method, std::string_view target, std::string_view body = {},
                   const char* key = k_optimizer_admin_key) {
    std::map<std::string, std::string> headers;
    if (key != nullptr) headers.emplace("Authorization", std::string("Bearer ") + key);
    return http_request("127.0.0.1", server_->local_port(), method, target, body, headers,
                        std::chrono::seconds(30));
  }

  // Stores a namespace the way the namespace API does (protected indexes first); its Qdrant
  // collection is its id.
  namespace_model create_namespace(const std::string& id, const std::string& name,
                                   bool auto_create_indexes,
                                   std::vector<payload_index_config> user_indexes = {}) {
    namespace_model ns;
    ns.namespace_id = id;
    ns.namespace_name = name;
    ns.auto_create_indexes = auto_create_indexes;
    ns.payload_indexes = default_protected_indexes();
    for (auto& index : user_indexes)
      ns.payload_indexes.push_back(std::move(index));
    ns.created_at = std::chrono::system_clock::now();
    ns.updated_at = ns.created_at;
    auto created = registry_.create(ns);
    if (!created) throw std::runtime_error(created.error().message);
    return created.value();
  }

  // XADDs one event per filter (Qdrant dialect) for `namespace_ref` (id or name).
  void send_filters(const std::string& namespace_ref, const std::vector<std::string>& filters) {
    std::vector<entry_fields> events;
    events.reserve(filters.size());
    for (const auto& filter : filters)
      events.push_back({{"namespace", namespace_ref}, {"filter", filter}});
    auto connection = connect_or_throw(redis_.endpoint());
    add_events(connection, cfg_.ingest.streams.front(), events);
  }

  // Waits until the decision window of `namespace_id` holds exactly these counts.
  bool await_counts(const std::string& namespace_id,
                    const std::map<std::string, std::uint64_t>& counts) {
    return wait_until([&] {
      auto connection = pool_.acquire(std::chrono::seconds(1));
      if (!connection) return false;
      auto window = read_namespace_window(**connection, cfg_, namespace_id, window_kind::decision);
      if (!window) return false;
      for (const auto& [path, count] : counts) {
        const auto* field = window.value().find(path);
        if (field == nullptr || field->count != count) return false;
      }
      return true;
    });
  }

  // The stored record of a run, once it is no longer running.
  boost::json::object await_run(optimizer_service& service, const std::string& run_id) {
    boost::json::object record;
    const bool done = wait_until([&] {
      auto text = service.history_entry(run_id);
      if (!text || !text.value()) return false;
      record = boost::json::parse(*text.value()).as_object();
      return record.at("status") != "running";
    });
    if (!done) throw std::runtime_error("run " + run_id + " did not finish");
    return record;
  }

 private:
  static fake_qdrant::options fake_options(const std::vector<std::string>& collections) {
    fake_qdrant::options o;
    o.collections = collections;
    return o;
  }

  static config make_config(const redis_server& redis, const fake_qdrant* qdrant,
                            const std::function<void(config&)>& tweak) {
    config c;
    c.redis.url = redis.url();
    c.redis.endpoint = redis.endpoint();
    c.redis.key_prefix = "t:";
    c.redis.command_timeout = std::chrono::seconds(2);
    c.ingest.streams = {"t:{events}"};
    c.ingest.consumer_name = "consumer-1";
    c.ingest.block = std::chrono::milliseconds(100);
    c.ingest.commit_interval = std::chrono::milliseconds(50);
    c.optimizer.lease = std::chrono::seconds(1);
    c.optimizer.interval = std::chrono::hours(6);
    c.shutdown.drain_timeout = std::chrono::seconds(5);
    if (qdrant != nullptr) {
      c.qdrant.url = qdrant->url();
      c.qdrant.connect_timeout = std::chrono::seconds(2);
      c.qdrant.request_timeout = std::chrono::seconds(3);
      c.qdrant.index_timeout = std::chrono::seconds(3);
      c.qdrant.max_retries = 0;
    }
    if (tweak) tweak(c);
    return c;
  }

  redis_server redis_;
  std::unique_ptr<fake_qdrant> qdrant_;
  config cfg_;
  prometheus::Registry metrics_;
  prometheus::Registry http_metrics_;
  redis_pool pool_;
  namespace_registry registry_;
  std::unique_ptr<qdrant_client> client_;
  std::unique_ptr<ingest_service> ingest_;
  std::vector<std::unique_ptr<prometheus::Registry>> service_metrics_;
  std::vector<std::unique_ptr<optimizer_service>> services_;
  std::unique_ptr<http::server> server_;
};

}  // namespace index_optimizer::testing
