#pragma once

#include <string>
#include <string_view>

#include "config/config_values.hpp"

namespace index_optimizer {

// Where and how to reach Redis, parsed once from `redis.url` (+ `redis.password_file`) so no other
// code re-parses the URL. Exactly one of `host` and `unix_path` is non-empty.
struct redis_endpoint {
  std::string host;       // DNS name or IP literal, IPv6 without brackets; empty for unix sockets
  int port = 6379;        // TCP port (meaningless for unix sockets)
  std::string unix_path;  // socket path for unix:// URLs
  int db = 0;             // SELECT this database after connecting (Redis Cluster supports only 0)
  std::string username;   // Redis 6 ACL user; empty means AUTH with the password alone
  std::string password;   // secret: never log it; empty means no AUTH

  bool is_unix() const noexcept { return !unix_path.empty(); }
  bool operator==(const redis_endpoint&) const = default;
};

// Parses `redis://[[user]:password@]host[:port][/db]` (host may be `[ipv6]`, port defaults to
// 6379, db to 0) or `unix:///absolute/path[?db=N]`. User and password may be percent-encoded.
// `rediss://` (TLS) is rejected: put a TLS proxy in front or use a unix socket.
parse_result<redis_endpoint> parse_redis_url(std::string_view url);

// The URL with its password (if any) replaced by "<redacted>", for logs and --check-config. A URL
// that does not parse comes back with everything between "://" and the host redacted.
std::string redact_redis_url(std::string_view url);

// Qdrant's REST endpoint, parsed from `qdrant.url`.
struct qdrant_endpoint {
  std::string scheme;  // "http" or "https"
  std::string host;    // DNS name or IP literal, IPv6 without brackets
  int port = 0;        // explicit port, else 80 for http and 443 for https

  bool tls() const noexcept { return scheme == "https"; }
  bool operator==(const qdrant_endpoint&) const = default;
};

// Parses `http[s]://host[:port][/]`: no user info, path, query or fragment (the collection and
// API paths are ours to add).
parse_result<qdrant_endpoint> parse_qdrant_url(std::string_view url);

}  // namespace index_optimizer
