#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <map>
#include <string>
#include <string_view>

namespace index_optimizer::testing {

// One HTTP response as a test sees it. Header names are lower-cased so lookups do not depend on
// the server's spelling; repeated headers are joined with ", ".
struct http_result {
  unsigned status = 0;
  std::map<std::string, std::string> headers;
  std::string body;

  // The value of header `name` (any case), or "" when absent.
  std::string header(std::string_view name) const;
};

// A keep-alive HTTP/1.1 connection for tests that send several requests on one socket, or raw
// bytes (hostile-input tests). Every operation is bounded by `timeout`: a server that never
// answers makes the call throw std::runtime_error instead of hanging the test.
class http_connection {
 public:
  http_connection(const std::string& host, unsigned short port,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~http_connection();
  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;

  // Sends one request and reads its response. A non-empty body without a content-type header is
  // sent as application/json. Throws std::runtime_error on I/O failure or timeout.
  http_result request(std::string_view method, std::string_view target, std::string_view body = {},
                      const std::map<std::string, std::string>& headers = {});

  // Writes bytes exactly as given (no framing added).
  void send_raw(std::string_view bytes);
  // Reads one response (after send_raw, or a second response the server pipelines).
  http_result read_response();

  // Whether the server closes the connection (EOF or reset) within `deadline` without sending
  // anything more. Use to assert "the server hung up"; returns false if bytes arrive instead.
  bool closed_by_peer(std::chrono::milliseconds deadline = std::chrono::seconds(5));

  void close();
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

 private:
  std::string host_;
  unsigned short port_;
  std::chrono::milliseconds timeout_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  bool head_request_ = false;  // a HEAD response announces a body it does not send
};

// One request on a fresh connection. Throws std::runtime_error on connection failure/timeout.
http_result http_request(const std::string& host, unsigned short port, std::string_view method,
                         std::string_view target, std::string_view body = {},
                         const std::map<std::string, std::string>& headers = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Parses a JSON body; throws std::runtime_error quoting the text when it is not JSON, so a
// failing test shows what the server actually sent.
boost::json::value parse_json(const std::string& text);

}  // namespace index_optimizer::testing
