#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "ops/log_limiter.hpp"
#include "qdrant_client/circuit_breaker.hpp"
#include "qdrant_client/qdrant_connection.hpp"
#include "qdrant_client/qdrant_metrics.hpp"
#include "qdrant_client/qdrant_retry.hpp"
#include "qdrant_port/qdrant_bulkhead.hpp"
#include "qdrant_port/qdrant_gateway.hpp"

namespace index_optimizer {

// Tuning the configuration file does not expose; tests shorten the waits.
struct qdrant_client_options {
  // Idle keep-alive connections kept for reuse; more may be open while calls run in parallel.
  std::size_t max_idle_connections = 4;
  // An idle connection older than this is closed instead of reused: NATs and load balancers
  // drop idle flows silently, and a request sent into one would wait for request_timeout.
  std::chrono::milliseconds max_idle_time = std::chrono::seconds(30);
  qdrant::retry_policy retry;
  std::uint64_t max_response_bytes = 64ULL << 20U;  // collection info grows with payload_schema
};

// The Qdrant REST client: HTTP/1.1 over Boost.Beast, http:// or https:// (OpenSSL, peer and host
// name verified, SNI), keep-alive connections pooled for reuse, bounded retries with backoff on
// transient failures. Calls block the calling thread (a worker, never an I/O thread) for at most
// (max_retries + 1) * (connect_timeout + request_timeout) plus backoff; create_index waits up to
// index_timeout instead of request_timeout. In front of the target: a bulkhead (at most
// qdrant.max_concurrent_requests threads wait on it at once) and a circuit breaker (open after
// qdrant.circuit_breaker_failures consecutive attempts timed out or failed to connect); both
// refuse at once, sending nothing. Thread-safe. See docs/qdrant.md.
class qdrant_client final : public qdrant_gateway {
 public:
  // Throws std::invalid_argument when `config` names no valid URL and std::runtime_error when
  // the CA file cannot be loaded: both are startup errors. `registry` may be null (no metrics).
  explicit qdrant_client(const qdrant_config& config, prometheus::Registry* registry = nullptr,
                         qdrant_client_options options = {});
  ~qdrant_client() override;
  qdrant_client(const qdrant_client&) = delete;
  qdrant_client& operator=(const qdrant_client&) = delete;

  qdrant_result<qdrant_permit> reserve() override;
  qdrant_result<qdrant_version_info> server_version() override;
  qdrant_result<qdrant_collection_info> collection_info(std::string_view collection) override;
  qdrant_result<qdrant_collection_info> collection_info_once(
      std::string_view collection, std::chrono::milliseconds timeout) override;
  qdrant_result<qdrant_update_result> create_index(std::string_view collection,
                                                   std::string_view field_name,
                                                   const boost::json::value& field_schema) override;
  qdrant_result<qdrant_update_result> delete_index(std::string_view collection,
                                                   std::string_view field_name) override;

  const qdrant_endpoint& endpoint() const noexcept { return endpoint_; }
  std::size_t idle_connections() const;
  qdrant::circuit_state circuit() const { return breaker_.state(); }
  std::size_t concurrent_callers() const noexcept { return bulkhead_.in_use(); }

 private:
  struct call {
    qdrant::operation op;
    boost::beast::http::verb method;
    std::string target;
    std::string body;  // JSON; empty: no body
    std::chrono::milliseconds timeout;
    bool authenticated = true;  // GET / needs no api-key, so it is not sent there
    bool retried = true;        // false: one attempt, whatever the failure
    std::chrono::milliseconds connect_timeout{0};  // 0: qdrant.connect_timeout
  };

  template <class T, class Parse>
  qdrant_result<T> run(const call& c, Parse&& parse);
  // Every attempt of one call: a 2xx answer, or the last error.
  qdrant_result<qdrant::http_response> perform(const call& c);
  // One attempt, including the one transparent resend when a reused connection turns out to
  // have been closed by the server.
  qdrant_result<qdrant::http_response> attempt(const qdrant::http_request& request, const call& c);
  qdrant::http_request build_request(const call& c) const;

  // The refusals: nothing is sent; counted, logged at most every few seconds.
  qdrant_error circuit_open(std::chrono::milliseconds retry_after, std::string_view what);
  qdrant_error concurrency_limit(std::string_view what);
  void note(const std::optional<qdrant::circuit_transition>& transition);
  std::string where() const;  // "host:port", for messages

  std::unique_ptr<qdrant::qdrant_connection> take_idle();
  qdrant_result<std::unique_ptr<qdrant::qdrant_connection>> open_connection(
      std::chrono::milliseconds connect_timeout);
  void give_back(std::unique_ptr<qdrant::qdrant_connection> connection);

  qdrant_endpoint endpoint_;
  std::string api_key_;  // secret: never logged, never in an error
  std::chrono::milliseconds connect_timeout_;
  std::chrono::milliseconds request_timeout_;
  std::chrono::milliseconds index_timeout_;
  unsigned max_retries_;
  qdrant_client_options options_;
  std::unique_ptr<boost::asio::ssl::context> tls_;  // https only
  qdrant::qdrant_metrics metrics_;
  qdrant::qdrant_bulkhead bulkhead_;
  qdrant::circuit_breaker breaker_;
  log_limiter rejection_log_{std::chrono::seconds(10)};

  mutable std::mutex mutex_;                                      // guards idle_
  std::vector<std::unique_ptr<qdrant::qdrant_connection>> idle_;  // most recently used last
};

// The gateway the daemon uses: a qdrant_client, or nullptr when no qdrant.url is configured
// (catalog-only mode). Throws like qdrant_client's constructor.
std::unique_ptr<qdrant_gateway> make_qdrant_gateway(const qdrant_config& config,
                                                    prometheus::Registry* registry);

}  // namespace index_optimizer
