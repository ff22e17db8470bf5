#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace index_optimizer {

// Where a Redis server is and how to log in. Either TCP (host, port) or a unix socket
// (unix_path non-empty, host/port unused).
struct redis_endpoint {
  std::string host = "127.0.0.1";
  unsigned short port = 6379;
  std::string unix_path;
  int db = 0;
  std::string username;  // ACL user; empty means the legacy `AUTH password` (requirepass)
  std::string password;  // empty means no AUTH

  bool is_unix() const noexcept { return !unix_path.empty(); }
  bool operator==(const redis_endpoint&) const = default;
};

// Parses
//   redis://[[user]:password@]host[:port][/db]     (host may be an [IPv6] literal)
//   unix://[[user]:password@]/path/to.sock[?db=N]
// User and password may be percent-encoded (a password containing '@', ':' or '/'). Returns the
// endpoint or an error that says what is wrong; errors never repeat the credentials.
std::variant<redis_endpoint, std::string> parse_redis_url(std::string_view url);

// The endpoint as a URL for logs, with the password replaced by "***".
std::string to_string(const redis_endpoint& endpoint);

}  // namespace index_optimizer
