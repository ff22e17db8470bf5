#pragma once

// The namespace API served in-process over real sockets, on a private redis-server, built through
// add_namespace_api exactly as the application builds it. `qdrant` nullptr: catalog-only.

#include <prometheus/registry.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "http/server.hpp"
#include "namespace_api/namespace_routes.hpp"
#include "namespace_model/protected_indexes.hpp"
#include "qdrant_port/qdrant_gateway.hpp"
#include "support/http_client.hpp"
#include "support/redis_server.hpp"

namespace index_optimizer::testing {

inline constexpr const char* k_admin_key = "sk_admin";
inline constexpr const char* k_writer_key = "sk_writer";
inline constexpr const char* k_reader_key = "sk_reader";

class namespace_api_fixture {
 public:
  explicit namespace_api_fixture(
      qdrant_gateway* qdrant = nullptr, const std::function<void(config&)>& tweak = {},
      std::chrono::milliseconds document_count_ttl = std::chrono::seconds(1))
      : pool_(redis.endpoint(), pool_options()) {
    cfg.redis.key_prefix = "t:";
    cfg.redis.command_timeout = std::chrono::seconds(2);
    cfg.qdrant.request_timeout = std::chrono::seconds(2);
    cfg.qdrant.index_timeout = std::chrono::seconds(10);
    if (tweak) tweak(cfg);
    http::router router;
    writer = add_namespace_api(
        router, pool_, qdrant, cfg,
        [this](const std::string& id) {
          std::lock_guard lock(mutex_);
          deleted_.push_back(id);
        },
        document_count_ttl);
    http::server_options options;
    options.port = 0;
    options.worker_threads = 8;
    options.max_body_bytes = 64 << 10;
    auto auth = std::make_shared<api_key_authenticator>(
        std::vector<auth_key>{{"admin", sha256_of(k_admin_key), {permission::admin}},
                              {"writer", sha256_of(k_writer_key), {permission::write}},
                              {"reader", sha256_of(k_reader_key), {permission::read}}});
    server_ = std::make_unique<http::server>(options, std::move(router), auth,
                                             std::make_shared<http::http_metrics>(metrics_));
    server_->start();
  }

  ~namespace_api_fixture() { server_->shutdown(std::chrono::seconds(5)); }

  http_result call(std::string_view method, std::string_view target, std::string_view body = {},
                   std::map<std::string, std::string> headers = {}, const char* key = k_admin_key) {
    if (key != nullptr) headers.emplace("Authorization", std::string("Bearer ") + key);
    return http_request("127.0.0.1", server_->local_port(), method, target, body, headers,
                        std::chrono::seconds(30));
  }

  // POST /v1/namespaces with a minimal valid body plus `extra` fields; returns the response.
  http_result create(std::string_view name, boost::json::object extra = {}) {
    boost::json::object body{
        {"namespace_name", name},
        {"feature_extractors",
         boost::json::array{{{"feature_extractor_name", "text_extractor"}, {"version", "v1"}}}}};
    for (auto& [k, v] : extra)
      body[k] = v;
    return call("POST", "/v1/namespaces", boost::json::serialize(body));
  }

  std::vector<std::string> deleted() {
    std::lock_guard lock(mutex_);
    return deleted_;
  }

  redis_server redis;
  config cfg;
  std::shared_ptr<namespace_writer> writer;

 private:
  static redis_pool_options pool_options() {
    redis_pool_options o;
    o.size = 16;
    o.connect_timeout = std::chrono::seconds(1);
    o.command_timeout = std::chrono::seconds(2);
    o.reconnect = {std::chrono::milliseconds(10), std::chrono::milliseconds(100), 2.0, 0.5};
    return o;
  }

  redis_pool pool_;
  prometheus::Registry metrics_;
  std::mutex mutex_;
  std::vector<std::string> deleted_;
  std::unique_ptr<http::server> server_;
};

// The user-managed (not protected) entries of a NamespaceModel's payload_indexes.
inline boost::json::array user_indexes(const boost::json::value& ns) {
  boost::json::array out;
  for (const auto& index : ns.at("payload_indexes").as_array()) {
    if (!index.at("is_protected").as_bool()) out.push_back(index);
  }
  return out;
}

inline std::vector<std::string> index_names(const boost::json::value& ns) {
  std::vector<std::string> out;
  for (const auto& index : ns.at("payload_indexes").as_array())
    out.emplace_back(index.at("field_name").as_string());
  return out;
}

}  // namespace index_optimizer::testing
