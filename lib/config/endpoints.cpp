#include "config/endpoints.hpp"

#include "text/percent_encoding.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <optional>

namespace index_optimizer {
namespace {

constexpr std::string_view k_redis_help =
    "expected redis://[:password@]host[:port][/db] or unix:///path/to/socket[?db=N]";

std::optional<int> parse_int(std::string_view text, int min, int max) {
  if (text.empty()) return std::nullopt;
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

bool is_host_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

struct host_port {
  std::string host;
  std::optional<int> port;
};

// Splits `host[:port]` or `[v6]:port`; the error says which part is wrong.
parse_result<host_port> parse_host_port(std::string_view authority) {
  using result = parse_result<host_port>;
  std::string_view host;
  std::string_view rest;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return result::fail("IPv6 host is missing its ']'");
    host = authority.substr(1, close - 1);
    in6_addr address{};
    if (inet_pton(AF_INET6, std::string(host).c_str(), &address) != 1) {
      return result::fail("\"" + std::string(host) + "\" is not an IPv6 address");
    }
    rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') {
      return result::fail("unexpected text after the IPv6 address");
    }
  } else {
    const auto colon = authority.find(':');
    host = authority.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view{} : authority.substr(colon);
    if (host.empty()) return result::fail("the host is missing");
    for (const char c : host) {
      if (!is_host_name_char(c)) {
        return result::fail("host \"" + std::string(host) +
                            "\" may only contain letters, digits, '.', '-' and '_' "
                            "(write IPv6 addresses as [addr])");
      }
    }
  }
  host_port out{std::string(host), std::nullopt};
  if (!rest.empty()) {
    const std::string_view port_text = rest.substr(1);
    const auto port = parse_int(port_text, 1, 65535);
    if (!port) {
      return result::fail("port \"" + std::string(port_text) +
                          "\" is not a number from 1 to 65535");
    }
    out.port = *port;
  }
  return result::ok(std::move(out));
}

parse_result<redis_endpoint> parse_redis_unix(std::string_view rest) {
  using result = parse_result<redis_endpoint>;
  // rest is what follows "unix://": an absolute path, so it starts with the third slash.
  if (rest.empty() || rest.front() != '/') {
    return result::fail(
        "a unix socket URL needs an absolute path after \"unix://\" (three slashes: "
        "unix:///run/redis/redis.sock); put a password in redis.password_file");
  }
  redis_endpoint endpoint;
  std::string_view path = rest;
  const auto question = rest.find('?');
  if (question != std::string_view::npos) {
    path = rest.substr(0, question);
    const std::string_view query = rest.substr(question + 1);
    if (query.substr(0, 3) != "db=") {
      return result::fail("the only query parameter a unix socket URL takes is ?db=N");
    }
    const auto db = parse_int(query.substr(3), 0, 65535);
    if (!db)
      return result::fail("database \"" + std::string(query.substr(3)) + "\" is not 0..65535");
    endpoint.db = *db;
  }
  auto decoded = percent_decode(path);
  if (!decoded || decoded->empty() || decoded->back() == '/') {
    return result::fail("the socket path is not a valid file path");
  }
  endpoint.unix_path = std::move(*decoded);
  endpoint.host.clear();
  return result::ok(std::move(endpoint));
}

}  // namespace

parse_result<redis_endpoint> parse_redis_url(std::string_view url) {
  using result = parse_result<redis_endpoint>;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return result::fail(std::string(k_redis_help) +
                        "; the scheme (redis:// or unix://) is missing");
  }
  const std::string_view scheme = url.substr(0, scheme_end);
  const std::string_view rest = url.substr(scheme_end + 3);
  if (scheme == "rediss") {
    return result::fail(
        "rediss:// (TLS) is not supported; connect through a local TLS proxy (e.g. stunnel) with "
        "redis://, or use a unix socket");
  }
  if (scheme == "unix") return parse_redis_unix(rest);
  if (scheme != "redis") {
    return result::fail(std::string(k_redis_help) + "; scheme \"" + std::string(scheme) +
                        "\" is not supported");
  }

  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  const std::string_view path =
      slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (authority.find('?') != std::string_view::npos || path.find('?') != std::string_view::npos ||
      authority.find('#') != std::string_view::npos || path.find('#') != std::string_view::npos) {
    return result::fail("query parameters and fragments are not supported in redis:// URLs");
  }

  redis_endpoint endpoint;
  const auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      return result::fail(
          "the part before '@' has no ':'; write the password as redis://:password@host "
          "(or user:password@ for a Redis ACL user)");
    }
    auto username = percent_decode(userinfo.substr(0, colon));
    auto password = percent_decode(userinfo.substr(colon + 1));
    if (!username || !password) {
      return result::fail(
          "the user or password has a malformed %-escape (use %XX with two hex digits)");
    }
    if (password->empty()) return result::fail("the password after ':' is empty");
    endpoint.username = std::move(*username);
    endpoint.password = std::move(*password);
  }

  auto host_port = parse_host_port(authority);
  if (!host_port) return result::fail(std::string(k_redis_help) + "; " + host_port.error);
  endpoint.host = std::move(host_port.value->host);
  endpoint.port = host_port.value->port.value_or(6379);

  if (path.size() > 1) {
    const auto db = parse_int(path.substr(1), 0, 65535);
    if (!db) {
      return result::fail("database \"" + std::string(path.substr(1)) +
                          "\" after the host is not a number from 0 to 65535");
    }
    endpoint.db = *db;
  }
  return result::ok(std::move(endpoint));
}

std::string redact_redis_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    // Not a URL we understand: it might be a bare password pasted in the wrong place.
    return "<redacted>";
  }
  const std::size_t authority_begin = scheme_end + 3;
  const auto slash = url.find('/', authority_begin);
  const std::string_view authority =
      url.substr(authority_begin, slash == std::string_view::npos ? std::string_view::npos
                                                                  : slash - authority_begin);
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  const std::string_view userinfo = authority.substr(0, at);
  const auto colon = userinfo.find(':');
  std::string out(url.substr(0, authority_begin));
  if (colon == std::string_view::npos) {
    out += "<redacted>";
  } else {
    out += userinfo.substr(0, colon);
    out += ":<redacted>";
  }
  out += url.substr(authority_begin + at);
  return out;
}

parse_result<qdrant_endpoint> parse_qdrant_url(std::string_view url) {
  using result = parse_result<qdrant_endpoint>;
  constexpr std::string_view help = "expected http://host[:port] or https://host[:port]";
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return result::fail(std::string(help) + "; the scheme is missing");
  }
  qdrant_endpoint endpoint;
  endpoint.scheme = std::string(url.substr(0, scheme_end));
  if (endpoint.scheme != "http" && endpoint.scheme != "https") {
    return result::fail(std::string(help) + "; scheme \"" + endpoint.scheme +
                        "\" is not supported");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  const auto slash = rest.find('/');
  const std::string_view path =
      slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  const std::string_view authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos) {
    return result::fail(
        "user info in the URL is not supported; put the key in qdrant.api_key_file");
  }
  if (authority.find_first_of("?#") != std::string_view::npos || (!path.empty() && path != "/")) {
    return result::fail(
        std::string(help) +
        "; a path, query or fragment is not allowed (the daemon adds the API paths)");
  }
  auto host_port = parse_host_port(authority);
  if (!host_port) return result::fail(std::string(help) + "; " + host_port.error);
  endpoint.host = std::move(host_port.value->host);
  endpoint.port = host_port.value->port.value_or(endpoint.tls() ? 443 : 80);
  return result::ok(std::move(endpoint));
}

}  // namespace index_optimizer
