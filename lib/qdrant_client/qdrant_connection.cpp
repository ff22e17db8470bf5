#include "qdrant_client/qdrant_connection.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>
#include <type_traits>

#include "qdrant_client/qdrant_target.hpp"

namespace index_optimizer::qdrant {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

qdrant_error make_error(qdrant_error::kind what, std::string message) {
  return qdrant_error{what, 0, std::move(message)};
}

std::string milliseconds_text(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + " ms";
}

// Asio's host_name_verification, plus the matching X509 error code on a mismatch: without it
// OpenSSL reports only "unspecified certificate verification error", which tells an operator
// nothing about the certificate naming another host.
class host_name_check {
 public:
  explicit host_name_check(const std::string& host)
      : check_(host), ip_literal_(is_ip_literal(host)) {}

  bool operator()(bool preverified, ssl::verify_context& context) {
    if (!preverified) return false;
    if (check_(preverified, context)) return true;
    X509_STORE_CTX* store = context.native_handle();
    X509_STORE_CTX_set_error(
        store, ip_literal_ ? X509_V_ERR_IP_ADDRESS_MISMATCH : X509_V_ERR_HOSTNAME_MISMATCH);
    return false;
  }

 private:
  ssl::host_name_verification check_;
  bool ip_literal_;
};

// SSL_set_tlsext_host_name, spelled out: the macro casts to void* in C style.
long set_server_name(SSL* ssl_handle, const std::string& host) {
  return SSL_ctrl(ssl_handle, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                  const_cast<char*>(host.c_str()));
}

// "certificate verify failed (SSL routines): self-signed certificate in certificate chain".
std::string describe_tls_failure(SSL* ssl_handle, const error_code& ec) {
  std::string text = ec.message();
  const long verify = SSL_get_verify_result(ssl_handle);
  if (verify != X509_V_OK) {
    text += ": ";
    text += X509_verify_cert_error_string(verify);
  }
  return text;
}

struct resolution {
  error_code ec;
  tcp::resolver::results_type endpoints;
  bool timed_out = false;
};

// getaddrinfo cannot be cancelled, and Asio joins its resolver thread when the io_context goes
// away, so a hung DNS server would outlast any timer. A DNS name is therefore resolved on a
// thread of its own that the caller stops waiting for at the deadline; the thread finishes
// whenever getaddrinfo returns and its result is dropped. IP literals need no lookup.
resolution resolve(const std::string& host, int port,
                   std::chrono::steady_clock::time_point deadline) {
  const std::string service = std::to_string(port);
  resolution result;
  if (is_ip_literal(host)) {
    asio::io_context io;
    tcp::resolver resolver(io);
    result.endpoints = resolver.resolve(
        host, service, tcp::resolver::numeric_host | tcp::resolver::numeric_service, result.ec);
    return result;
  }
  struct shared_state {
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
    resolution result;
  };
  auto state = std::make_shared<shared_state>();
  try {
    std::thread([state, host, service] {
      asio::io_context io;
      tcp::resolver resolver(io);
      resolution found;
      found.endpoints = resolver.resolve(host, service, tcp::resolver::numeric_service, found.ec);
      std::lock_guard lock(state->mutex);
      state->result = std::move(found);
      state->done = true;
      state->done_cv.notify_all();
    }).detach();
  } catch (const std::system_error& e) {
    result.ec = e.code();
    return result;
  }
  std::unique_lock lock(state->mutex);
  if (!state->done_cv.wait_until(lock, deadline, [&] { return state->done; })) {
    result.timed_out = true;
    return result;
  }
  return state->result;
}

}  // namespace

qdrant_connection::qdrant_connection(const qdrant_endpoint& endpoint) : endpoint_(endpoint) {}

qdrant_connection::~qdrant_connection() {
  if (std::holds_alternative<std::monostate>(stream_)) return;
  // No TLS close_notify: the server learns of the close from the TCP FIN, which is all a
  // keep-alive HTTP/1.1 server needs, and waiting for its answer would only delay the caller.
  error_code ignored;
  tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
  tcp().socket().close(ignored);
}

beast::tcp_stream& qdrant_connection::tcp() {
  if (auto* plain = std::get_if<plain_stream>(&stream_)) return *plain;
  return std::get<tls_stream>(stream_).next_layer();
}

std::string qdrant_connection::where() const {
  const bool v6 = endpoint_.host.find(':') != std::string::npos;
  return (v6 ? "[" + endpoint_.host + "]" : endpoint_.host) + ":" + std::to_string(endpoint_.port);
}

void qdrant_connection::run() {
  io_.restart();
  io_.run();
}

qdrant_result<std::unique_ptr<qdrant_connection>> qdrant_connection::open(
    const qdrant_endpoint& endpoint, ssl::context* tls, std::chrono::milliseconds timeout) {
  std::unique_ptr<qdrant_connection> connection(new qdrant_connection(endpoint));
  if (auto error = connection->connect(endpoint.tls() ? tls : nullptr, timeout)) {
    // No request is written before the connection (and TLS) is up.
    error->request_sent = false;
    return std::move(*error);
  }
  return qdrant_result<std::unique_ptr<qdrant_connection>>(std::move(connection));
}

std::optional<qdrant_error> qdrant_connection::connect(ssl::context* tls,
                                                       std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;

  const auto resolved = resolve(endpoint_.host, endpoint_.port, deadline);
  if (resolved.timed_out) {
    return make_error(qdrant_error::kind::timeout, "resolving Qdrant host " + endpoint_.host +
                                                       " took longer than " +
                                                       milliseconds_text(timeout));
  }
  if (resolved.ec) {
    return make_error(
        qdrant_error::kind::unreachable,
        "cannot resolve Qdrant host " + endpoint_.host + ": " + resolved.ec.message());
  }
  const auto& endpoints = resolved.endpoints;

  if (tls != nullptr) {
    stream_.emplace<tls_stream>(io_, *tls);
  } else {
    stream_.emplace<plain_stream>(io_);
  }
  tcp().expires_at(deadline);
  error_code connect_ec;
  tcp().async_connect(endpoints, [&](error_code ec, const tcp::endpoint&) { connect_ec = ec; });
  run();
  if (connect_ec == beast::error::timeout) {
    return make_error(
        qdrant_error::kind::timeout,
        "connecting to Qdrant at " + where() + " took longer than " + milliseconds_text(timeout));
  }
  if (connect_ec) {
    return make_error(qdrant_error::kind::unreachable,
                      "cannot connect to Qdrant at " + where() + ": " + connect_ec.message());
  }
  error_code ignored;
  // Requests are small and answered before the next is sent: Nagle would only add latency.
  tcp().socket().set_option(tcp::no_delay(true), ignored);

  if (auto* secure = std::get_if<tls_stream>(&stream_)) {
    // SNI carries DNS names only (RFC 6066): proxies in front of Qdrant Cloud route on it.
    if (!is_ip_literal(endpoint_.host) &&
        set_server_name(secure->native_handle(), endpoint_.host) != 1) {
      return make_error(qdrant_error::kind::tls,
                        "cannot set the TLS server name " + endpoint_.host);
    }
    secure->set_verify_mode(ssl::verify_peer);
    secure->set_verify_callback(host_name_check(endpoint_.host));
    error_code handshake_ec;
    secure->async_handshake(ssl::stream_base::client, [&](error_code ec) { handshake_ec = ec; });
    run();
    if (handshake_ec == beast::error::timeout) {
      return make_error(qdrant_error::kind::timeout, "TLS handshake with Qdrant at " + where() +
                                                         " took longer than " +
                                                         milliseconds_text(timeout));
    }
    // A connection that breaks mid-handshake (EOF, reset) is a network failure worth a retry;
    // an error from OpenSSL itself (certificate, protocol) will not go away by trying again.
    if (handshake_ec && handshake_ec.category() != asio::error::get_ssl_category()) {
      return make_error(qdrant_error::kind::unreachable, "TLS handshake with Qdrant at " + where() +
                                                             " failed: " + handshake_ec.message());
    }
    if (handshake_ec) {
      return make_error(qdrant_error::kind::tls,
                        "TLS handshake with Qdrant at " + where() + " failed: " +
                            describe_tls_failure(secure->native_handle(), handshake_ec));
    }
  }
  tcp().expires_never();
  reusable_ = true;
  idle_since_ = std::chrono::steady_clock::now();
  return std::nullopt;
}

exchange_outcome qdrant_connection::exchange(const http_request& request,
                                             std::chrono::milliseconds timeout,
                                             std::uint64_t body_limit) {
  exchange_outcome outcome;
  reusable_ = false;
  buffer_.clear();
  http::response_parser<http::string_body> parser;
  parser.body_limit(body_limit);
  error_code ec;
  tcp().expires_after(timeout);
  std::visit(
      [&](auto& stream) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(stream)>, std::monostate>) {
          http::async_write(stream, request, [&](error_code write_ec, std::size_t) {
            if (write_ec) {
              ec = write_ec;
              return;
            }
            http::async_read(stream, buffer_, parser,
                             [&](error_code read_ec, std::size_t) { ec = read_ec; });
          });
        }
      },
      stream_);
  run();
  outcome.response_started = parser.got_some() || buffer_.size() > 0;

  if (ec) {
    error_code ignored;
    tcp().socket().close(ignored);
    if (ec == beast::error::timeout) {
      outcome.error = make_error(
          qdrant_error::kind::timeout,
          "Qdrant at " + where() + " did not answer within " + milliseconds_text(timeout));
    } else if (ec == http::error::body_limit) {
      outcome.error =
          make_error(qdrant_error::kind::invalid_response,
                     "Qdrant's answer is larger than " + std::to_string(body_limit) + " bytes");
    } else if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
               ec != http::error::end_of_stream && ec != http::error::partial_message) {
      outcome.error = make_error(qdrant_error::kind::invalid_response,
                                 "malformed HTTP answer from Qdrant: " + ec.message());
    } else {
      outcome.error = make_error(qdrant_error::kind::unreachable,
                                 "connection to Qdrant at " + where() +
                                     " failed before a complete answer: " + ec.message());
    }
    return outcome;
  }
  tcp().expires_never();
  outcome.response = parser.release();
  // Leftover bytes would be read as the start of the next answer.
  reusable_ = outcome.response.keep_alive() && buffer_.size() == 0;
  idle_since_ = std::chrono::steady_clock::now();
  return outcome;
}

bool qdrant_connection::closed_by_peer() {
  if (std::holds_alternative<std::monostate>(stream_)) return true;
  auto& socket = tcp().socket();
  if (!socket.is_open()) return true;
  char byte = 0;
  const auto n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
}

}  // namespace index_optimizer::qdrant
