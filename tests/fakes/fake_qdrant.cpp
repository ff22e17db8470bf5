#include "fakes/fake_qdrant.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <future>
#include <iostream>
#include <thread>
#include <type_traits>

#include "support/ascii_case.hpp"

namespace index_optimizer::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using tls_stream = ssl::stream<beast::tcp_stream>;
using error_code = boost::system::error_code;

// Qdrant's default service.max_request_size_mb.
constexpr std::uint64_t max_request_body = 32U * 1024U * 1024U;
// An idle keep-alive connection is closed after this; stop() closes the rest.
constexpr auto idle_timeout = std::chrono::seconds(120);

std::string fault_message(unsigned status) {
  switch (status) {
    case 408:
      return "Timeout error: fault injected by fake-qdrant";
    case 429:
      return "Rate limiting exceeded: fault injected by fake-qdrant";
    case 500:
      return "Service internal error: fault injected by fake-qdrant";
    case 503:
      return "Service unavailable: fault injected by fake-qdrant";
    default:
      return "Fault injected by fake-qdrant (HTTP " + std::to_string(status) + ")";
  }
}

// The collection a raw path names, if it is under /collections/{name}.
std::optional<std::string> collection_of(std::string_view path) {
  constexpr std::string_view prefix = "/collections/";
  if (path.rfind(prefix, 0) != 0) return std::nullopt;
  std::string_view rest = path.substr(prefix.size());
  rest = rest.substr(0, rest.find('/'));
  if (rest.empty()) return std::nullopt;
  return fake::percent_decode(rest, false);
}

}  // namespace

// The network shell: a listener and one session per connection, all on one io_context thread
// (an implicit strand: no handler of this server ever runs concurrently with another).
class fake_qdrant::server {
 public:
  server(fake_qdrant& owner, const options& opts) : owner_(owner), acceptor_(io_) {
    if (!opts.tls_certificate_chain_pem.empty()) {
      tls_.emplace(ssl::context::tls_server);
      tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      tls_->use_certificate_chain(asio::buffer(opts.tls_certificate_chain_pem));
      tls_->use_private_key(asio::buffer(opts.tls_private_key_pem), ssl::context::pem);
    }
    const tcp::endpoint endpoint(asio::ip::make_address(opts.address), opts.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();
    do_accept();
    thread_ = std::thread([this] { run(); });
  }

  ~server() { stop(); }

  unsigned short port() const { return port_; }
  std::uint64_t accepted() const { return accepted_.load(); }
  std::size_t open() const { return open_.load(); }
  std::uint64_t handshake_failures() const { return handshake_failures_.load(); }

  void stop() {
    if (!thread_.joinable()) return;
    asio::post(io_, [this] {
      error_code ignored;
      acceptor_.close(ignored);
      close_sessions();
    });
    // With the listener and every socket and timer closed, run() runs out of work and returns.
    thread_.join();
  }

  void close_connections() {
    if (!thread_.joinable()) return;
    std::promise<void> done;
    asio::post(io_, [this, &done] {
      close_sessions();
      done.set_value();
    });
    done.get_future().wait();
  }

 private:
  // What the listener keeps of a session: enough to close it on stop().
  class session_base {
   public:
    virtual ~session_base() = default;
    virtual void close() = 0;
  };

  // One connection. `Stream` is beast::tcp_stream, or an ssl::stream over one in TLS mode.
  template <class Stream>
  class session : public session_base, public std::enable_shared_from_this<session<Stream>> {
   public:
    template <class... StreamArgs>
    session(server& srv, std::uint64_t id, StreamArgs&&... args)
        : server_(srv),
          id_(id),
          stream_(std::forward<StreamArgs>(args)...),
          delay_timer_(stream_.get_executor()) {
      ++server_.open_;
    }
    ~session() override { --server_.open_; }

    void start() {
      if constexpr (is_tls) {
        lowest().expires_after(idle_timeout);
        stream_.async_handshake(
            ssl::stream_base::server,
            [self = this->shared_from_this()](error_code ec) { self->on_handshake(ec); });
      } else {
        do_read();
      }
    }

    void close() override {
      closed_ = true;
      error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
      lowest().close();
      delay_timer_.cancel();
    }

   private:
    static constexpr bool is_tls = !std::is_same_v<Stream, beast::tcp_stream>;

    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

    void on_handshake(error_code ec) {
      if (closed_) return;
      if (ec) {
        ++server_.handshake_failures_;
        close();
        return;
      }
      if constexpr (is_tls) {
        if (const char* name =
                SSL_get_servername(stream_.native_handle(), TLSEXT_NAMETYPE_host_name)) {
          server_name_ = name;
        }
      }
      do_read();
    }

    void do_read() {
      if (closed_) return;
      parser_.emplace();
      parser_->body_limit(max_request_body);
      lowest().expires_after(idle_timeout);
      http::async_read(
          stream_, buffer_, *parser_,
          [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(error_code ec) {
      if (closed_) return;
      if (ec == http::error::end_of_stream || ec == asio::error::eof) {
        error_code ignored;
        lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
        return;
      }
      if (ec) {
        if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
          // Malformed or oversized request: answer like any HTTP server, then hang up.
          const bool too_large = ec == http::error::body_limit;
          respond(too_large ? 413 : 400, too_large ? "Payload Too Large" : "Bad Request");
        }
        return;
      }

      const auto& req = parser_->get();
      fake::http_exchange_request request;
      request.method = std::string(req.method_string());
      request.target = std::string(req.target());
      for (const auto& field : req) {
        auto [it, inserted] = request.headers.emplace(to_lower_ascii(field.name_string()),
                                                      std::string(field.value()));
        if (!inserted) it->second += ", " + std::string(field.value());
      }
      request.body = req.body();
      keep_alive_ = req.keep_alive();
      version_ = req.version();

      outcome result;
      try {
        result = server_.owner_.process(std::move(request), id_, server_name_);
      } catch (const std::exception& e) {
        result.response = fake::qdrant_error_response(500, std::string("fake-qdrant: ") + e.what());
      }
      if (result.delay.count() > 0) {
        delay_timer_.expires_after(result.delay);
        delay_timer_.async_wait([self = this->shared_from_this(), result](error_code wait_ec) {
          if (wait_ec || self->closed_) return;
          self->finish(result);
        });
        return;
      }
      finish(result);
    }

    void finish(const outcome& result) {
      if (result.drop) {
        close();
        return;
      }
      res_ = {};
      res_.version(version_);
      res_.result(result.response.status);
      for (const auto& [name, value] : result.response.headers)
        res_.set(name, value);
      res_.body() = result.response.body;
      res_.keep_alive(keep_alive_);
      res_.prepare_payload();
      write();
    }

    void respond(unsigned status, std::string text) {
      res_ = {};
      res_.version(11);
      res_.result(status);
      res_.set(http::field::content_type, "text/plain; charset=utf-8");
      res_.body() = std::move(text);
      res_.keep_alive(false);
      res_.prepare_payload();
      write();
    }

    void write() {
      lowest().expires_after(idle_timeout);
      http::async_write(stream_, res_,
                        [self = this->shared_from_this()](error_code ec, std::size_t) {
                          if (ec || self->closed_) return;
                          if (!self->res_.keep_alive()) {
                            error_code ignored;
                            self->lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
                            return;
                          }
                          self->do_read();
                        });
    }

    server& server_;
    std::uint64_t id_;
    Stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> res_;
    asio::steady_timer delay_timer_;
    std::string server_name_;
    bool keep_alive_ = true;
    unsigned version_ = 11;
    bool closed_ = false;
  };

  void run() {
    try {
      io_.run();
    } catch (const std::exception& e) {
      // A bug in the fake must not take the test process down silently.
      std::cerr << "fake-qdrant: I/O thread failed: " << e.what() << std::endl;
    }
  }

  void close_sessions() {
    for (auto& weak : sessions_) {
      if (auto s = weak.lock()) s->close();
    }
    sessions_.clear();
  }

  void do_accept() {
    acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
        do_accept();
        return;
      }
      const std::uint64_t id = ++accepted_;
      std::erase_if(sessions_, [](const std::weak_ptr<session_base>& w) { return w.expired(); });
      if (tls_) {
        auto s = std::make_shared<session<tls_stream>>(*this, id, std::move(socket), *tls_);
        sessions_.push_back(s);
        s->start();
      } else {
        auto s = std::make_shared<session<beast::tcp_stream>>(*this, id, std::move(socket));
        sessions_.push_back(s);
        s->start();
      }
      do_accept();
    });
  }

  fake_qdrant& owner_;
  asio::io_context io_;
  std::optional<ssl::context> tls_;
  tcp::acceptor acceptor_;
  std::vector<std::weak_ptr<session_base>> sessions_;  // touched only on the I/O thread
  unsigned short port_ = 0;
  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::size_t> open_{0};
  std::atomic<std::uint64_t> handshake_failures_{0};
  std::thread thread_;
};

fake_qdrant::fake_qdrant() : fake_qdrant(options{}) {}

fake_qdrant::fake_qdrant(options opts)
    : options_(std::move(opts)),
      state_(fake::qdrant_state::settings{options_.api_key, options_.version,
                                          "f00dfeedc0ffee0123456789abcdef0123456789",
                                          options_.max_payload_index_count}) {
  for (const auto& name : options_.collections)
    state_.create_collection(name);
  server_ = std::make_unique<server>(*this, options_);
  port_ = server_->port();
}

fake_qdrant::~fake_qdrant() {
  stop();
}

void fake_qdrant::stop() {
  if (server_) server_->stop();
}

std::string fake_qdrant::url() const {
  return std::string(tls() ? "https://" : "http://") + options_.address + ":" +
         std::to_string(port_);
}

std::uint64_t fake_qdrant::connections_accepted() const {
  return server_ ? server_->accepted() : 0;
}

std::size_t fake_qdrant::open_connections() const {
  return server_ ? server_->open() : 0;
}

std::uint64_t fake_qdrant::tls_handshake_failures() const {
  return server_ ? server_->handshake_failures() : 0;
}

void fake_qdrant::close_connections() {
  if (server_) server_->close_connections();
}

void fake_qdrant::add_fault(fake_qdrant_fault fault) {
  std::lock_guard lock(mutex_);
  faults_.push_back(std::move(fault));
}

void fake_qdrant::fail_next(unsigned count, unsigned status, std::string method,
                            std::string path_prefix) {
  fake_qdrant_fault fault;
  fault.status = status;
  fault.method = std::move(method);
  fault.path_prefix = std::move(path_prefix);
  fault.remaining = count;
  add_fault(std::move(fault));
}

void fake_qdrant::drop_next(unsigned count, std::string method, std::string path_prefix) {
  fake_qdrant_fault fault;
  fault.what = fake_qdrant_fault::action::drop_connection;
  fault.method = std::move(method);
  fault.path_prefix = std::move(path_prefix);
  fault.remaining = count;
  add_fault(std::move(fault));
}

void fake_qdrant::set_response_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  delay_ = delay;
}

void fake_qdrant::fail_collection(const std::string& name, unsigned status) {
  std::lock_guard lock(mutex_);
  collection_failures_[name] = status;
}

void fake_qdrant::clear_collection_failure(const std::string& name) {
  std::lock_guard lock(mutex_);
  collection_failures_.erase(name);
}

void fake_qdrant::clear_faults() {
  std::lock_guard lock(mutex_);
  faults_.clear();
  collection_failures_.clear();
  delay_ = std::chrono::milliseconds(0);
}

std::vector<fake_qdrant_request> fake_qdrant::requests() const {
  std::lock_guard lock(mutex_);
  return log_;
}

std::size_t fake_qdrant::count_requests(const std::string& method,
                                        const std::string& path_prefix) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(log_.begin(), log_.end(), [&](const fake_qdrant_request& r) {
        return (method.empty() || r.method == method) &&
               (path_prefix.empty() || r.path().rfind(path_prefix, 0) == 0);
      }));
}

void fake_qdrant::clear_requests() {
  std::lock_guard lock(mutex_);
  log_.clear();
}

std::optional<fake::http_exchange_response> fake_qdrant::injected_response(
    const fake::http_exchange_request& request, bool& drop) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  for (auto& fault : faults_) {
    if (fault.remaining == 0) continue;
    if (!fault.method.empty() && fault.method != request.method) continue;
    if (!fault.path_prefix.empty() && path.rfind(fault.path_prefix, 0) != 0) continue;
    --fault.remaining;
    if (fault.what == fake_qdrant_fault::action::drop_connection) {
      drop = true;
      return fake::http_exchange_response{};
    }
    fake::http_exchange_response res;
    if (fault.body.empty()) {
      res = fake::qdrant_error_response(fault.status, fault_message(fault.status));
    } else {
      res.status = fault.status;
      res.headers.emplace_back("content-type", "application/json");
      res.body = fault.body;
    }
    bool has_retry_after = false;
    for (const auto& [name, value] : fault.headers) {
      res.headers.emplace_back(name, value);
      if (to_lower_ascii(name) == "retry-after") has_retry_after = true;
    }
    if (fault.status == 429 && !has_retry_after) res.headers.emplace_back("retry-after", "1");
    return res;
  }
  std::erase_if(faults_, [](const fake_qdrant_fault& f) { return f.remaining == 0; });

  if (const auto name = collection_of(path)) {
    if (const auto it = collection_failures_.find(*name); it != collection_failures_.end()) {
      if (it->second == 404) {
        return fake::qdrant_error_response(404,
                                           "Not found: Collection `" + *name + "` doesn't exist!");
      }
      auto res = fake::qdrant_error_response(it->second, fault_message(it->second));
      if (it->second == 429) res.headers.emplace_back("retry-after", "1");
      return res;
    }
  }
  return std::nullopt;
}

fake_qdrant::outcome fake_qdrant::process(fake::http_exchange_request request,
                                          std::uint64_t connection,
                                          const std::string& tls_server_name) {
  fake_qdrant_request record{request.method,
                             request.target,
                             request.headers,
                             request.body,
                             std::chrono::system_clock::now(),
                             0,
                             connection,
                             tls_server_name};
  outcome result;
  std::optional<fake::http_exchange_response> injected;
  {
    std::lock_guard lock(mutex_);
    injected = injected_response(request, result.drop);
    result.delay = delay_;
  }
  if (!injected) {
    result.response = state_.handle(request);
  } else if (!result.drop) {
    result.response = std::move(*injected);
  }
  record.response_status = result.drop ? 0 : result.response.status;
  std::lock_guard lock(mutex_);
  log_.push_back(std::move(record));
  return result;
}

}  // namespace index_optimizer::testing
