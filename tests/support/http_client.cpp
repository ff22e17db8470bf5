#include "support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace index_optimizer::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using error_code = boost::system::error_code;

// Responses in tests are small; the cap only keeps a runaway server from eating the test's memory.
constexpr std::uint64_t max_response_body = 64U * 1024U * 1024U;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::runtime_error io_failure(std::string_view what, std::string_view detail,
                              const error_code& ec) {
  std::string message(what);
  if (!detail.empty()) message += " " + std::string(detail);
  message += ": " + ec.message();
  return std::runtime_error(message);
}

}  // namespace

std::string http_result::header(std::string_view name) const {
  const auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

http_connection::http_connection(const std::string& host, unsigned short port,
                                 std::chrono::milliseconds timeout)
    : host_(host), port_(port), timeout_(timeout), stream_(io_) {
  asio::ip::tcp::resolver resolver(io_);
  error_code ec;
  const auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) throw io_failure("resolve", host, ec);

  error_code result = asio::error::would_block;
  stream_.expires_after(timeout_);
  stream_.async_connect(endpoints, [&](const error_code& e, const auto&) { result = e; });
  io_.restart();
  io_.run();
  if (result) throw io_failure("connect", host + ":" + std::to_string(port), result);
}

http_connection::~http_connection() {
  close();
}

void http_connection::close() {
  error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

http_result http_connection::request(std::string_view method, std::string_view target,
                                     std::string_view body,
                                     const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> req;
  const http::verb verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    req.method_string(method);
  } else {
    req.method(verb);
  }
  req.target(target);
  req.version(11);
  req.set(http::field::host, host_ + ":" + std::to_string(port_));
  req.set(http::field::user_agent, "index-optimizer-tests");
  bool has_content_type = false;
  for (const auto& [name, value] : headers) {
    req.set(name, value);
    if (lower(name) == "content-type") has_content_type = true;
  }
  if (!body.empty() && !has_content_type) req.set(http::field::content_type, "application/json");
  req.body() = std::string(body);
  // Content-Length even when empty for PUT/POST/PATCH: servers may require it on those methods.
  if (!body.empty() || verb == http::verb::put || verb == http::verb::post ||
      verb == http::verb::patch) {
    req.prepare_payload();
  }

  error_code result = asio::error::would_block;
  stream_.expires_after(timeout_);
  http::async_write(stream_, req, [&](const error_code& e, std::size_t) { result = e; });
  io_.restart();
  io_.run();
  if (result) throw io_failure("write", std::string(method) + " " + std::string(target), result);
  head_request_ = verb == http::verb::head;
  return read_response();
}

void http_connection::send_raw(std::string_view bytes) {
  error_code result = asio::error::would_block;
  stream_.expires_after(timeout_);
  asio::async_write(stream_, asio::buffer(bytes.data(), bytes.size()),
                    [&](const error_code& e, std::size_t) { result = e; });
  io_.restart();
  io_.run();
  if (result) throw io_failure("write raw bytes", {}, result);
}

http_result http_connection::read_response() {
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_response_body);
  if (head_request_) parser.skip(true);
  head_request_ = false;
  error_code result = asio::error::would_block;
  stream_.expires_after(timeout_);
  http::async_read(stream_, buffer_, parser, [&](const error_code& e, std::size_t) { result = e; });
  io_.restart();
  io_.run();
  if (result) throw io_failure("read response", {}, result);

  const auto& res = parser.get();
  http_result out;
  out.status = res.result_int();
  for (const auto& field : res) {
    const std::string name = lower(field.name_string());
    auto [it, inserted] = out.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());
  }
  out.body = res.body();
  return out;
}

bool http_connection::closed_by_peer(std::chrono::milliseconds deadline) {
  if (buffer_.size() > 0) return false;
  error_code result = asio::error::would_block;
  std::size_t received = 0;
  stream_.expires_after(deadline);
  stream_.async_read_some(buffer_.prepare(4096), [&](const error_code& e, std::size_t n) {
    result = e;
    received = n;
  });
  io_.restart();
  io_.run();
  buffer_.commit(received);
  if (received > 0) return false;
  return result == asio::error::eof || result == asio::error::connection_reset ||
         result == beast::http::error::end_of_stream;
}

http_result http_request(const std::string& host, unsigned short port, std::string_view method,
                         std::string_view target, std::string_view body,
                         const std::map<std::string, std::string>& headers,
                         std::chrono::milliseconds timeout) {
  http_connection connection(host, port, timeout);
  return connection.request(method, target, body, headers);
}

boost::json::value parse_json(const std::string& text) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  if (ec) throw std::runtime_error("not JSON (" + ec.message() + "): " + text);
  return value;
}

}  // namespace index_optimizer::testing
