#include "http/server.hpp"

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/object.hpp>
#include <optional>

#include "base/validation_error.hpp"
#include "http/media_type.hpp"
#include "ops/log_limiter.hpp"
#include "ops/logger.hpp"

namespace index_optimizer::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

// POST, PUT and PATCH bodies are JSON. As in FastAPI (and so Mixpeek), a body is read as JSON
// when it comes without a Content-Type or with a JSON one; under any other type it is text,
// which no request model accepts: 422 before the handler runs, whatever the text says.
std::optional<api_response> refuse_non_json_body(const api_request& request) {
  const auto method = request.raw.method();
  if (method != bhttp::verb::post && method != bhttp::verb::put && method != bhttp::verb::patch) {
    return std::nullopt;
  }
  if (request.raw.body().empty()) return std::nullopt;  // a missing body is the model's call
  const auto type = request.header("Content-Type");
  // An empty header counts as absent, as in FastAPI.
  if (!type || type->empty() || is_json_media_type(*type)) return std::nullopt;
  return json_response(
      422, validation_error_envelope(
               {{"model_attributes_type",
                 {std::string("body")},
                 "Input should be a valid dictionary or object to extract fields from: a body "
                 "that is not sent as Content-Type: application/json is not read as JSON"}}));
}

}  // namespace

class session : public std::enable_shared_from_this<session> {
 public:
  session(server& owner, tcp::socket&& socket, connection_id id)
      : server_(owner),
        id_(id),
        stream_(std::move(socket)),
        // Bounds what pipelined-but-unanswered requests can occupy.
        buffer_(owner.options_.max_header_bytes + owner.options_.max_body_bytes + 4096) {
    beast::error_code ec;
    const auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = endpoint.address().to_string();
  }

  ~session() { server_.unregister_session(id_); }

  void run(slot_kind slot) {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this(), slot] {
      self->slot_ = slot;
      self->do_read();
    });
  }

  // Answers with a canned response and closes: used when the connection cap is reached.
  void reject(api_response response) {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this(), r = std::move(response)] {
      self->closing_ = true;
      self->send(r, 11, "unmatched", "NONE", std::chrono::steady_clock::now());
    });
  }

  // Called on shutdown: closes the connection now if it waits for a request; a request being
  // handled completes and its response closes the connection.
  void close_if_idle() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      if (!self->busy_) self->close();
    });
  }

  void force_close() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->close(); });
  }

  // Closes a connection that connection_slots chose to make room: it was waiting for a request,
  // and since the slots no longer hold it, a request that starts now is not read (see do_read).
  void evict() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      self->close();
    });
  }

  const std::string& remote() const { return remote_; }
  asio::any_io_executor executor() { return stream_.get_executor(); }

  // Writes a response (on the strand) and either reads the next request or closes.
  void send(const api_response& r, unsigned version, std::string route_label, std::string method,
            std::chrono::steady_clock::time_point started) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(version);
    res->result(r.status);
    res->set(bhttp::field::server, "index-optimizer");
    if (!r.content_type.empty()) res->set(bhttp::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers)
      res->insert(name, value);
    res->body() = r.body;
    res->keep_alive(keep_alive_ && !closing_ && !server_.draining_.load());
    res->prepare_payload();
    stream_.expires_after(server_.options_.write_timeout);
    bhttp::async_write(
        stream_, *res,
        [self = shared_from_this(), res, route_label = std::move(route_label),
         method = std::move(method), started](beast::error_code ec, std::size_t) {
          const double seconds =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
          if (self->server_.metrics_) {
            self->server_.metrics_->observe(route_label, method, res->result_int(), seconds);
          }
          log_debug("http request", {{"route", route_label},
                                     {"method", method},
                                     {"status", res->result_int()},
                                     {"seconds", seconds},
                                     {"remote", self->remote_},
                                     {"error", ec ? ec.message() : std::string()}});
          if (self->counted_in_flight_) {
            self->counted_in_flight_ = false;
            if (self->server_.metrics_) self->server_.metrics_->in_flight().Decrement();
          }
          self->busy_ = false;
          if (!ec && self->unread_input_) {
            self->linger_close();
            return;
          }
          if (ec || !res->keep_alive()) {
            self->close();
            return;
          }
          self->do_read();
        });
  }

 private:
  friend class server;

  void do_read() {
    if (closing_ || server_.draining_.load()) {
      close();
      return;
    }
    if (buffer_.size() != 0) {
      read_request(true);  // a pipelined request: the connection stays busy
      return;
    }
    // Waiting for a request's first byte, the connection is idle: it may be evicted to admit a
    // new one. The first byte makes it busy, and connection_slots never evicts a busy one.
    if (first_request_) {
      // A new connection has read_timeout from its accept to deliver its whole first request.
      stream_.expires_after(server_.options_.read_timeout);
    } else {
      // Keep-alive: the next request may take idle_timeout to start, but once its first bytes
      // are in it gets read_timeout like any other. One deadline for both would let a client
      // trickle a request for the whole idle_timeout (slowloris on a reused connection).
      server_.waiting_for_request(id_);
      stream_.expires_after(server_.options_.idle_timeout);
    }
    stream_.async_read_some(
        buffer_.prepare(std::min<std::size_t>(4096, buffer_.max_size())),
        [self = shared_from_this()](beast::error_code ec, std::size_t n) {
          // Idle or read timeout, the client left, shutdown, or eviction.
          if (ec || self->closing_ || !self->server_.request_started(self->id_)) {
            self->close();
            return;
          }
          self->buffer_.commit(n);
          self->read_request(!self->first_request_);
        });
  }

  // Reads one whole request (or the rest of one whose first bytes are buffered) within
  // http.read_timeout, counted from now when `restart_deadline`, else from the deadline set.
  void read_request(bool restart_deadline) {
    parser_.emplace();
    parser_->body_limit(server_.options_.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(server_.options_.max_header_bytes));
    if (restart_deadline) stream_.expires_after(server_.options_.read_timeout);
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    const auto now = std::chrono::steady_clock::now();
    if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == beast::error::timeout || ec == asio::error::connection_reset || closing_) {
      close();
      return;
    }
    if (ec) {
      // The request could not be read as HTTP: answer once, then close, since the stream
      // position is unknown.
      unsigned status = 400;
      std::string message = "Malformed HTTP request: " + ec.message();
      if (ec == bhttp::error::body_limit) {
        status = 413;
        message = "Request body exceeds the limit of " +
                  std::to_string(server_.options_.max_body_bytes) + " bytes";
      } else if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
        status = 431;
        message = "Request headers exceed the limit of " +
                  std::to_string(server_.options_.max_header_bytes) + " bytes";
      }
      closing_ = true;
      busy_ = true;
      unread_input_ = true;
      send(error_response(status, message), 11, "unmatched", "NONE", now);
      return;
    }
    first_request_ = false;
    busy_ = true;
    auto req = parser_->release();
    keep_alive_ = req.keep_alive();
    if (slot_ == slot_kind::reserve) {
      if (auto refusal = server_.refuse_on_reserve_slot(req)) {
        closing_ = true;
        send(refusal->response, req.version(), std::move(refusal->route_label),
             std::string(bhttp::to_string(req.method())), now);
        return;
      }
    }
    if (server_.metrics_) {
      server_.metrics_->in_flight().Increment();
      counted_in_flight_ = true;
    }
    server_.handle(shared_from_this(), std::move(req));
  }

  // After answering a request we did not read whole (413, 431, 400) the client may still be
  // sending. Closing with unread bytes makes the kernel send RST, which can destroy our answer
  // before the client reads it: so stop sending, discard input for a bounded time, then close.
  void linger_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(2));
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(discard_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) {
                                self->close();
                                return;
                              }
                              self->drain();
                            });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  server& server_;
  const connection_id id_;
  slot_kind slot_ = slot_kind::general;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string remote_;
  bool first_request_ = true;
  bool keep_alive_ = true;
  bool busy_ = false;
  bool closing_ = false;
  bool closed_ = false;
  bool counted_in_flight_ = false;
  bool unread_input_ = false;  // an error answer left part of the request unread
  std::array<char, 4096> discard_{};
};

server::server(server_options options, router routes, std::shared_ptr<api_key_authenticator> auth,
               std::shared_ptr<http_metrics> metrics)
    : options_(std::move(options)),
      router_(std::move(routes)),
      auth_(std::move(auth)),
      metrics_(std::move(metrics)),
      auth_required_(options_.auth_required),
      slots_(split_connection_limit(options_.max_connections, options_.reserved_connections)),
      acceptor_(asio::make_strand(io_)),
      accept_pause_(acceptor_.get_executor()),
      workers_(std::max(1u, options_.worker_threads)) {}

server::~server() {
  shutdown(std::chrono::milliseconds(0));
}

void server::start() {
  const auto address = asio::ip::make_address(options_.address);
  const tcp::endpoint endpoint(address, options_.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  boost::system::error_code ec;
  acceptor_.bind(endpoint, ec);
  if (ec) {
    throw std::system_error(ec, "cannot listen on " + options_.address + ":" +
                                    std::to_string(options_.port) + " (http.address / http.port)");
  }
  acceptor_.listen(asio::socket_base::max_listen_connections);
  bound_port_ = acceptor_.local_endpoint().port();
  do_accept();
  work_guard_.emplace(io_.get_executor());
  for (unsigned i = 0; i < std::max(1u, options_.io_threads); ++i) {
    threads_.emplace_back([this] { io_.run(); });
  }
}

void server::do_accept() {
  acceptor_.async_accept(asio::make_strand(io_),
                         [this](boost::system::error_code ec, tcp::socket socket) {
                           on_accept(ec, std::move(socket));
                         });
}

void server::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (!ec) {
    admit(std::move(socket));
    if (failed_accepts_ > 0) {
      log_info("http accepting connections again", {{"failed_accepts", failed_accepts_}});
      failed_accepts_ = 0;
    }
  } else if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
             ec == asio::error::no_memory ||
             ec == boost::system::errc::too_many_files_open_in_system) {
    // The connection stays in the listen backlog, so accepting again at once fails again at
    // once: the I/O thread would spin and flood the log. Pause; connections closing meanwhile
    // free descriptors, and the backlog is served afterwards.
    if (failed_accepts_++ == 0) {
      log_warn(
          "http accept failed; pausing accepts until descriptors are free (raise "
          "LimitNOFILE= or lower http.max_connections)",
          {{"error", ec.message()}});
    }
    accept_pause_.expires_after(std::chrono::milliseconds(100));
    accept_pause_.async_wait([this](boost::system::error_code wait_ec) {
      if (!wait_ec && acceptor_.is_open()) do_accept();
    });
    return;
  }
  do_accept();
}

void server::admit(tcp::socket socket) {
  const connection_id id = next_connection_id_++;
  auto s = std::make_shared<session>(*this, std::move(socket), id);
  admission a;
  std::shared_ptr<session> evicted;
  std::optional<shortage_report> report;
  {
    std::lock_guard lock(sessions_mutex_);
    a = slots_.admit(id);
    update_idle_gauge();
    sessions_.emplace(id, s);
    ++session_count_;
    if (metrics_) metrics_->open_connections().Increment();
    const bool refused = a.result == admission::outcome::refused;
    if (a.evicted) {
      const auto it = sessions_.find(*a.evicted);
      if (it != sessions_.end()) evicted = it->second.lock();
      ++shortage_.evicted;
    }
    if (refused) ++shortage_.refused;
    if (!refused && a.slot == slot_kind::reserve) ++shortage_.admitted_on_reserve;
    if (refused || a.evicted || a.slot == slot_kind::reserve) report = take_shortage_report();
  }
  // Outside the lock: `evicted` may be the session's last owner, and its destructor takes it.
  if (a.evicted) {
    if (metrics_) metrics_->evicted_connections().Increment();
    if (evicted) evicted->evict();
    evicted.reset();
  }
  if (a.result == admission::outcome::refused) {
    if (metrics_) metrics_->rejected_connections().Increment();
    auto r = error_response(503,
                            "Every connection slot (http.max_connections) is busy with a request; "
                            "retry later");
    r.headers.emplace_back("Retry-After", "1");
    s->reject(std::move(r));
  } else {
    s->run(a.slot);
  }
  if (report) log_shortage(*report);
}

void server::unregister_session(connection_id id) {
  std::lock_guard lock(sessions_mutex_);
  // Only this session's own entry is touched: never lock() others here, since the temporary
  // shared_ptr could become a session's last owner and run its destructor, which re-enters this
  // function under the same mutex.
  sessions_.erase(id);
  slots_.release(id);
  update_idle_gauge();
  --session_count_;
  if (metrics_) metrics_->open_connections().Decrement();
  sessions_cv_.notify_all();
}

bool server::request_started(connection_id id) {
  std::lock_guard lock(sessions_mutex_);
  const bool held = slots_.mark_busy(id);
  update_idle_gauge();
  return held;
}

void server::waiting_for_request(connection_id id) {
  std::lock_guard lock(sessions_mutex_);
  slots_.mark_idle(id);
  update_idle_gauge();
}

void server::update_idle_gauge() {
  if (!metrics_) return;
  metrics_->idle_connections().Set(
      static_cast<double>(slots_.idle(slot_kind::general) + slots_.idle(slot_kind::reserve)));
}

std::optional<server::refusal> server::refuse_on_reserve_slot(const beast_request& req) {
  std::string label = "unmatched";
  if (const auto parsed =
          parse_target(std::string_view(req.target().data(), req.target().size()))) {
    const auto result = router_.match(req.method(), *parsed);
    if (const auto* match = std::get_if<route_match>(&result)) {
      if (options_.open_paths.count(match->matched->path_template) != 0) return std::nullopt;
      label = match->matched->path_template;
    }
  }
  std::optional<shortage_report> report;
  {
    std::lock_guard lock(sessions_mutex_);
    ++shortage_.refused_on_reserve;
    report = take_shortage_report();
  }
  if (metrics_) metrics_->reserved_slot_refusals().Increment();
  if (report) log_shortage(*report);
  auto r = error_response(
      503,
      "Every general connection slot (http.max_connections) is busy, and this "
      "connection holds one reserved for " +
          join(std::vector<std::string>(options_.open_paths.begin(), options_.open_paths.end()),
               ", ") +
          "; retry later");
  r.headers.emplace_back("Retry-After", "1");
  return refusal{std::move(r), std::move(label)};
}

std::optional<server::shortage_report> server::take_shortage_report() {
  if (!shortage_log_.allow(std::chrono::steady_clock::now())) return std::nullopt;
  shortage_report report{shortage_,
                         slots_.held(slot_kind::general) + slots_.held(slot_kind::reserve),
                         slots_.idle(slot_kind::general) + slots_.idle(slot_kind::reserve)};
  shortage_ = {};
  return report;
}

void server::log_shortage(const shortage_report& report) const {
  const auto& limits = slots_.limits();
  log_warn(
      "http connection limit reached: the idle connections are closed to admit new ones, and "
      "while every other slot is busy only auth.open_paths are served (counts since the last "
      "such line, at most one per 10 s; raise http.max_connections or find the clients holding "
      "connections)",
      {{"max_connections", limits.general + limits.reserve},
       {"reserved_connections", limits.reserve},
       {"open", report.open},
       {"idle", report.idle},
       {"evicted", report.counts.evicted},
       {"admitted_on_reserve", report.counts.admitted_on_reserve},
       {"refused", report.counts.refused},
       {"refused_on_reserve", report.counts.refused_on_reserve}});
}

void server::handle(const std::shared_ptr<session>& s, beast_request&& raw) {
  const auto started = std::chrono::steady_clock::now();
  const unsigned version = raw.version();
  const std::string method(bhttp::to_string(raw.method()));
  auto respond = [s, version, method, started](api_response r, std::string label) {
    ensure_retry_after(r);
    s->send(r, version, std::move(label), method, started);
  };

  const std::string_view target(raw.target().data(), raw.target().size());
  auto parsed = parse_target(target);
  if (!parsed) {
    respond(error_response(400, "Malformed request target"), "unmatched");
    return;
  }
  const auto result = router_.match(raw.method(), *parsed);
  if (std::holds_alternative<route_not_found>(result)) {
    boost::json::object details;
    details["path"] = parsed->path;
    respond(error_response(404, "No route for " + method + " " + parsed->path, details),
            "unmatched");
    return;
  }
  if (const auto* na = std::get_if<route_method_not_allowed>(&result)) {
    auto r = error_response(405, "Method " + method + " is not allowed on " + parsed->path);
    r.headers.emplace_back("Allow", join(na->allowed, ", "));
    respond(r, "unmatched");
    return;
  }
  const auto& match = std::get<route_match>(result);
  const route& rt = *match.matched;

  auto request = std::make_shared<api_request>();
  request->path = std::move(parsed->path);
  request->query = std::move(parsed->query);
  request->path_params = match.path_params;
  request->remote_address = s->remote();
  request->raw = std::move(raw);

  const bool open =
      !rt.required || !auth_required_.load() || options_.open_paths.count(rt.path_template) != 0;
  if (!open) {
    const auto auth = auth_->authenticate(request->header("Authorization"));
    if (auth.outcome != auth_outcome::ok) {
      auto r = error_response(401, auth.outcome == auth_outcome::missing
                                       ? "Missing API key: send Authorization: Bearer <key>"
                                       : "Invalid API key");
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      respond(r, rt.path_template);
      return;
    }
    request->caller = {auth.key_name, auth.level};
    if (!auth.level || *auth.level < *rt.required) {
      boost::json::object details;
      details["required_permission"] = to_string(*rt.required);
      respond(error_response(403,
                             "API key '" + auth.key_name + "' lacks the '" +
                                 std::string(to_string(*rt.required)) + "' permission",
                             details),
              rt.path_template);
      return;
    }
  } else if (!auth_required_.load()) {
    request->caller = {"", permission::admin};
  }

  if (const auto refused = refuse_non_json_body(*request)) {
    respond(*refused, rt.path_template);
    return;
  }

  auto run = [&rt, request]() -> api_response {
    try {
      return rt.handle(*request);
    } catch (const std::exception& e) {
      log_error("http handler failed",
                {{"route", rt.path_template}, {"error", std::string(e.what())}});
      return error_response(500, "Internal server error");
    }
  };
  if (rt.where == execution::inline_io) {
    respond(run(), rt.path_template);
    return;
  }
  request->gate = std::make_shared<effects_gate>(started + options_.request_timeout);
  dispatch_to_workers(s, request, rt, std::move(run), std::move(respond));
}

namespace {

// Under overload every request may time out: one line per interval and kind, with the count
// held back.
struct request_timeout_logs {
  log_limiter queued{std::chrono::seconds(10)};
  log_limiter running{std::chrono::seconds(10)};
  log_limiter awaited{std::chrono::seconds(10)};
};
request_timeout_logs timeout_logs;

void log_request_timeout(log_limiter& limiter, std::string_view message, const std::string& route,
                         std::chrono::milliseconds timeout) {
  if (const auto held = limiter.admit()) {
    log_warn(message, {{"route", route},
                       {"timeout_ms", static_cast<std::int64_t>(timeout.count())},
                       {"suppressed", *held}});
  }
}

}  // namespace

// Who answers is decided once, through the request's effects gate (see effects_gate.hpp):
// - the deadline passes while the handler waits for a worker: 503 at the deadline, and the
//   handler is dropped when a worker takes it, without running;
// - the deadline passes while the handler runs and has begun no change: 503 at the deadline; the
//   handler cannot begin one any more, and its late result is dropped;
// - the handler has begun changing things: the deadline passes unanswered and the handler's own
//   answer is sent when it returns (its Redis and Qdrant timeouts bound that).
// The timer and the completion both run on the session's strand, so `answered` needs no lock.
void server::dispatch_to_workers(const std::shared_ptr<session>& s,
                                 const std::shared_ptr<api_request>& request, const route& rt,
                                 std::function<api_response()> run,
                                 std::function<void(api_response, std::string)> respond) {
  struct race {
    explicit race(const asio::any_io_executor& ex) : timer(ex) {}
    asio::steady_timer timer;
    bool answered = false;
    std::atomic<bool> ran{false};  // a worker began running the handler
  };
  const auto timeout = options_.request_timeout;
  const auto gate = request->gate;
  const auto changes = effects_of(rt);
  auto state = std::make_shared<race>(s->executor());
  // Sends the 503 of a request whose deadline passed before it changed anything.
  auto timed_out = [state, respond, label = rt.path_template, timeout, metrics = metrics_] {
    state->answered = true;
    state->timer.cancel();
    const bool ran = state->ran.load();
    if (metrics) metrics->request_timeout(ran ? "running" : "queued");
    if (ran) {
      log_request_timeout(timeout_logs.running,
                          "http handler exceeded http.request_timeout; answered 503", label,
                          timeout);
    } else {
      log_request_timeout(timeout_logs.queued,
                          "http request waited for a worker past http.request_timeout; answered "
                          "503, it will not run",
                          label, timeout);
    }
    respond(request_timeout_response(timeout), label);
  };
  state->timer.expires_at(gate->deadline());
  state->timer.async_wait([state, gate, timed_out, label = rt.path_template, timeout,
                           metrics = metrics_](boost::system::error_code ec) {
    if (ec || state->answered) return;
    if (gate->expire()) {
      timed_out();
      return;
    }
    if (metrics) metrics->request_timeout("awaited");
    log_request_timeout(timeout_logs.awaited,
                        "http handler passed http.request_timeout while applying changes; its "
                        "answer follows when it finishes",
                        label, timeout);
  });
  asio::post(workers_, [s, state, gate, changes, run = std::move(run), respond, timed_out,
                        label = rt.path_template]() mutable {
    std::optional<api_response> result;
    // A request whose deadline passed while it waited for a worker is dropped unrun; one that
    // may change things anywhere begins its effects now or never.
    const bool due = std::chrono::steady_clock::now() >= gate->deadline();
    if (!(due && gate->expire()) && (changes != effects::at_start || gate->begin_effects())) {
      state->ran.store(true);
      result = run();
    }
    asio::post(s->executor(), [state, gate, respond, timed_out, result = std::move(result),
                               label = std::move(label)]() mutable {
      if (state->answered) return;
      if (!result || gate->expired()) {
        timed_out();
        return;
      }
      state->answered = true;
      state->timer.cancel();
      respond(std::move(*result), std::move(label));
    });
  });
}

void server::shutdown(std::chrono::milliseconds deadline) {
  if (stopped_) return;
  stopped_ = true;
  draining_.store(true);
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
    accept_pause_.cancel();
  });
  std::vector<std::shared_ptr<session>> live;
  {
    std::lock_guard lock(sessions_mutex_);
    for (auto& entry : sessions_) {
      if (auto s = entry.second.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live)
    s->close_if_idle();
  live.clear();
  {
    std::unique_lock lock(sessions_mutex_);
    sessions_cv_.wait_for(lock, deadline, [this] { return session_count_.load() == 0; });
    for (auto& entry : sessions_) {
      if (auto s = entry.second.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live)
    s->force_close();
  live.clear();
  // Handlers finish (their I/O is bounded by timeouts) before the I/O threads stop, so no
  // completion is posted to a destroyed strand.
  workers_.join();
  {
    std::unique_lock lock(sessions_mutex_);
    sessions_cv_.wait_for(lock, std::chrono::seconds(5),
                          [this] { return session_count_.load() == 0; });
  }
  work_guard_.reset();
  io_.stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

}  // namespace index_optimizer::http
