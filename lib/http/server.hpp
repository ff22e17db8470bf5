#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "auth/api_key_authenticator.hpp"
#include "http/http_metrics.hpp"
#include "http/router.hpp"

namespace index_optimizer::http {

struct server_options {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0 picks a free port (tests)
  unsigned io_threads = 2;
  unsigned worker_threads = 4;  // blocking pool for handlers that touch Redis or Qdrant
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 << 10;
  std::chrono::milliseconds read_timeout{10000};  // to receive a whole request
  std::chrono::milliseconds idle_timeout{60000};  // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{10000};
  // A worker-pool request not answered by this deadline (counted from when it was read) is
  // answered 503 unless its handler has begun changing things, in which case the handler's own
  // answer is awaited (bounded by its Redis/Qdrant timeouts). A request still waiting for a worker
  // then is never run; a handler that has changed nothing cannot begin to. See effects_gate.
  std::chrono::milliseconds request_timeout{30000};
  size_t max_connections = 1024;
  bool auth_required = true;
  std::set<std::string> open_paths{"/healthz", "/readyz", "/metrics"};
};

class session;

// The admin HTTP server: Beast over Asio, a strand per connection, keep-alive, body/header/time
// limits, a connection cap, and requests answered in order on each connection (pipelined requests
// wait in a bounded buffer). Handlers run where their route says: inline or on the worker pool.
class server {
 public:
  server(server_options options, router routes, std::shared_ptr<api_key_authenticator> auth,
         std::shared_ptr<http_metrics> metrics);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds and listens; throws std::system_error with the address on failure.
  void start();
  unsigned short local_port() const { return bound_port_; }

  // Stops accepting, lets in-flight requests finish (their responses say Connection: close),
  // closes idle connections, and waits up to `deadline` before closing the rest.
  void shutdown(std::chrono::milliseconds deadline);

  void set_auth_required(bool required) { auth_required_.store(required); }

 private:
  friend class session;
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
  void register_session(const std::shared_ptr<session>& s);
  void unregister_session();  // from a session's destructor
  // Routing, authentication and dispatch for one request; calls `respond` on the session's strand.
  void handle(const std::shared_ptr<session>& s, beast_request&& req);
  // Runs a worker-pool handler, racing it against http.request_timeout through the request's
  // effects gate; `respond` runs on the session's strand, exactly once.
  void dispatch_to_workers(const std::shared_ptr<session>& s,
                           const std::shared_ptr<api_request>& request, const route& rt,
                           std::function<api_response()> run,
                           std::function<void(api_response, std::string)> respond);

  server_options options_;
  router router_;
  std::shared_ptr<api_key_authenticator> auth_;
  std::shared_ptr<http_metrics> metrics_;
  std::atomic<bool> auth_required_;

  // Declared before io_ so they outlive it: handlers still queued in io_ own sessions whose
  // destructors unregister here.
  std::mutex sessions_mutex_;
  std::condition_variable sessions_cv_;
  std::list<std::weak_ptr<session>> sessions_;
  std::atomic<size_t> session_count_{0};
  std::atomic<bool> draining_{false};
  bool stopped_ = false;

  boost::asio::io_context io_;
  // Keeps the I/O threads running while a request is on the worker pool and the acceptor is
  // closed (shutdown): otherwise io_ runs out of work and the response has no thread to run on.
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>
      work_guard_;
  boost::asio::ip::tcp::acceptor acceptor_;
  // Accepting pauses while the process is out of descriptors; both live on the acceptor's strand.
  boost::asio::steady_timer accept_pause_;
  std::int64_t failed_accepts_ = 0;
  boost::asio::thread_pool workers_;
  std::vector<std::thread> threads_;
  unsigned short bound_port_ = 0;
};

}  // namespace index_optimizer::http
