#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <variant>

#include "config/endpoints.hpp"
#include "qdrant_port/qdrant_gateway.hpp"

namespace index_optimizer::qdrant {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

// What one request on one connection produced.
struct exchange_outcome {
  std::optional<qdrant_error> error;  // set: no complete response
  // Whether any byte of the response arrived. A reused connection that fails before one did was
  // most likely closed by the server while idle, so the request can be sent again elsewhere.
  bool response_started = false;
  http_response response;
};

// One keep-alive HTTP/1.1 connection to Qdrant, plain or TLS. Blocking: each call runs the
// connection's own io_context on the calling thread until its operations finish, and every
// operation is bounded by beast::tcp_stream's expiry, so a silent server costs at most the
// timeout. Not thread-safe: the client's pool hands a connection to one thread at a time.
class qdrant_connection {
 public:
  // Resolves the host, connects and, for https, completes the TLS handshake (SNI for DNS names,
  // peer verification with `tls`'s trust store, host name check) within `timeout`. Its errors
  // say request_sent = false.
  static qdrant_result<std::unique_ptr<qdrant_connection>> open(const qdrant_endpoint& endpoint,
                                                                boost::asio::ssl::context* tls,
                                                                std::chrono::milliseconds timeout);

  ~qdrant_connection();
  qdrant_connection(const qdrant_connection&) = delete;
  qdrant_connection& operator=(const qdrant_connection&) = delete;

  // Writes `request` and reads its response within `timeout`; a body larger than `body_limit`
  // fails as invalid_response. After any error the connection is unusable.
  exchange_outcome exchange(const http_request& request, std::chrono::milliseconds timeout,
                            std::uint64_t body_limit);

  // True while the last exchange succeeded and its response allowed keep-alive.
  bool reusable() const noexcept { return reusable_; }
  // Whether the server has closed (or written to) the connection since its last response: an idle
  // connection must have nothing to read, so either means "do not reuse". Does not block.
  bool closed_by_peer();
  std::chrono::steady_clock::time_point idle_since() const noexcept { return idle_since_; }

 private:
  using plain_stream = boost::beast::tcp_stream;
  using tls_stream = boost::asio::ssl::stream<boost::beast::tcp_stream>;

  explicit qdrant_connection(const qdrant_endpoint& endpoint);
  boost::beast::tcp_stream& tcp();
  std::optional<qdrant_error> connect(boost::asio::ssl::context* tls,
                                      std::chrono::milliseconds timeout);
  std::string where() const;  // "host:port", for messages
  void run();

  qdrant_endpoint endpoint_;
  boost::asio::io_context io_;
  std::variant<std::monostate, plain_stream, tls_stream> stream_;
  boost::beast::flat_buffer buffer_;
  bool reusable_ = false;
  std::chrono::steady_clock::time_point idle_since_;
};

}  // namespace index_optimizer::qdrant
