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
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "auth/api_key_authenticator.hpp"
#include "http/connection_slots.hpp"
#include "http/http_metrics.hpp"
#include "http/router.hpp"
#include "ops/log_throttle.hpp"

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
  // Of max_connections, slots on which only open_paths are served, so probes and scrapes get in
  // while every other slot is busy (at most half of max_connections; see connection_slots.hpp).
  size_t reserved_connections = 8;
  bool auth_required = true;
  std::set<std::string> open_paths{"/healthz", "/readyz", "/metrics"};
};

class session;

// The admin HTTP server: Beast over Asio, a strand per connection, keep-alive, body/header/time
// limits, a connection cap that closes idle connections to admit new ones and keeps a reserve
// for open paths (connection_slots.hpp), and requests answered in order on each connection
// (pipelined requests wait in a bounded buffer). Handlers run where their route says: inline or on
// the worker pool.
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
  // Admits a new connection by the connection_slots rule (closing the idle connection it
  // replaces), or answers it 503 and closes it.
  void admit(boost::asio::ip::tcp::socket socket);
  void unregister_session(connection_id id);  // from a session's destructor
  // A session's first byte of a request arrived; false when it was evicted meanwhile.
  bool request_started(connection_id id);
  // A session answered its request and waits for the next one: evictable again.
  void waiting_for_request(connection_id id);
  void update_idle_gauge();  // under sessions_mutex_, after slots_ changed
  // The 503 (and its route label) for a request read on a reserve slot whose path is not open,
  // or nullopt when it is served.
  struct refusal {
    api_response response;
    std::string route_label;
  };
  std::optional<refusal> refuse_on_reserve_slot(const beast_request& req);

  // Connection-limit events since the last "http connection limit reached" line.
  struct shortage_counts {
    std::int64_t evicted = 0;
    std::int64_t admitted_on_reserve = 0;
    std::int64_t refused = 0;
    std::int64_t refused_on_reserve = 0;
  };
  struct shortage_report {
    shortage_counts counts;
    std::size_t open = 0;
    std::size_t idle = 0;
  };
  // Called under sessions_mutex_ after counting an event: the line to log now, if one is due.
  std::optional<shortage_report> take_shortage_report();
  void log_shortage(const shortage_report& report) const;
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
  // destructors unregister here. Every open connection is in sessions_ (those answered 503 at
  // the limit too, while they are); slots_ holds those admitted. Both under sessions_mutex_.
  std::mutex sessions_mutex_;
  std::condition_variable sessions_cv_;
  std::unordered_map<connection_id, std::weak_ptr<session>> sessions_;
  connection_slots slots_;
  connection_id next_connection_id_ = 0;  // on the acceptor's strand
  shortage_counts shortage_;
  log_throttle shortage_log_{std::chrono::seconds(10)};
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
