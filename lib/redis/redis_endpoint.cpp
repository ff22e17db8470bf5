#include "redis/redis_endpoint.hpp"

#include <cctype>
#include <charconv>
#include <optional>

namespace index_optimizer {
namespace {

using parse_result = std::variant<redis_endpoint, std::string>;

std::string error(std::string_view what) {
  return "invalid redis URL: " + std::string(what);
}

// A fragment of the URL for an error message. When the URL carries credentials, a mistyped
// password (say an unencoded '/') can shift into the port or db position, so nothing is echoed.
std::string quoted(std::string_view text, bool echo_allowed) {
  return echo_allowed ? " '" + std::string(text) + "'" : std::string();
}

bool is_scheme_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

template <class Int>
std::optional<Int> parse_decimal(std::string_view text) {
  Int value{};
  if (text.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::string> parse_db(std::string_view text, int& db, bool echo_allowed) {
  const auto value = parse_decimal<int>(text);
  if (!value || *value < 0) {
    return error("database" + quoted(text, echo_allowed) + " is not a non-negative integer");
  }
  db = *value;
  return std::nullopt;
}

// Splits "[user]:password@rest" off the front; the userinfo is whatever precedes the last '@'
// of the authority, so unencoded '@' in a password still parses.
std::optional<std::string> parse_userinfo(std::string_view userinfo, redis_endpoint& endpoint) {
  const auto colon = userinfo.find(':');
  if (colon == std::string_view::npos) {
    return error(
        "credentials must contain ':' (redis://:PASSWORD@host or redis://USER:PASSWORD@host)");
  }
  auto user = percent_decode(userinfo.substr(0, colon));
  if (!user) return error("user name has a malformed %-escape");
  auto password = percent_decode(userinfo.substr(colon + 1));
  if (!password) return error("password has a malformed %-escape");
  if (password->empty()) return error("credentials are given but the password is empty");
  endpoint.username = std::move(*user);
  endpoint.password = std::move(*password);
  return std::nullopt;
}

std::optional<std::string> parse_host_port(std::string_view hostport, redis_endpoint& endpoint) {
  std::string_view host;
  std::string_view port_text;
  bool has_port = false;
  if (!hostport.empty() && hostport.front() == '[') {
    const auto close = hostport.find(']');
    if (close == std::string_view::npos) return error("IPv6 host is missing its closing ']'");
    host = hostport.substr(1, close - 1);
    const auto rest = hostport.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return error("unexpected text after the IPv6 host");
      has_port = true;
      port_text = rest.substr(1);
    }
  } else {
    const auto colon = hostport.rfind(':');
    host = hostport.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = hostport.substr(colon + 1);
    }
  }
  if (host.empty()) return error("host is missing");
  if (has_port) {
    const auto port = parse_decimal<unsigned>(port_text);
    if (!port || *port == 0 || *port > 65535) {
      // Not echoed: "redis://user:PASSWORD" (host forgotten) puts the password here.
      return error("port is not a number between 1 and 65535");
    }
    endpoint.port = static_cast<unsigned short>(*port);
  }
  endpoint.host = std::string(host);
  return std::nullopt;
}

parse_result parse_tcp(std::string_view rest) {
  redis_endpoint endpoint;
  const bool echo_allowed = rest.find('@') == std::string_view::npos;
  if (rest.find('?') != std::string_view::npos) {
    return error("query parameters are not supported in redis:// URLs (put the db in the path)");
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos && rest.find('@', slash) != std::string_view::npos) {
    return error("'@' after the host: percent-encode '/' in credentials as %2F");
  }
  const auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    if (auto e = parse_userinfo(authority.substr(0, at), endpoint)) return *e;
    authority = authority.substr(at + 1);
  }
  if (auto e = parse_host_port(authority, endpoint)) return *e;
  if (slash != std::string_view::npos) {
    const auto db_text = rest.substr(slash + 1);
    if (!db_text.empty()) {
      if (auto e = parse_db(db_text, endpoint.db, echo_allowed)) return *e;
    }
  }
  return endpoint;
}

parse_result parse_unix(std::string_view rest) {
  redis_endpoint endpoint;
  const bool echo_allowed = rest.find('@') == std::string_view::npos;
  endpoint.host.clear();
  endpoint.port = 0;
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return error("unix:// URL has no socket path");
  const auto authority = rest.substr(0, slash);
  if (!authority.empty()) {
    if (authority.back() != '@') {
      return error("unix:// URL must have an empty host: write unix:///path/to.sock");
    }
    if (auto e = parse_userinfo(authority.substr(0, authority.size() - 1), endpoint)) return *e;
  }
  std::string_view path = rest.substr(slash);
  const auto question = path.find('?');
  std::string_view query;
  if (question != std::string_view::npos) {
    query = path.substr(question + 1);
    path = path.substr(0, question);
  }
  if (path.size() <= 1) return error("unix:// URL has no socket path");
  auto decoded_path = percent_decode(path);
  if (!decoded_path) return error("socket path has a malformed %-escape");
  endpoint.unix_path = std::move(*decoded_path);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = param.find('=');
    const auto name = param.substr(0, eq);
    if (name != "db") {
      return error("unknown query parameter" + quoted(name, echo_allowed) +
                   " (only db=N is supported)");
    }
    if (eq == std::string_view::npos) return error("query parameter db needs a value (db=N)");
    if (auto e = parse_db(param.substr(eq + 1), endpoint.db, echo_allowed)) return *e;
  }
  return endpoint;
}

}  // namespace

std::variant<redis_endpoint, std::string> parse_redis_url(std::string_view url) {
  if (url.empty()) return error("the URL is empty");
  for (const char c : url) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0 ||
        std::iscntrl(static_cast<unsigned char>(c)) != 0) {
      return error("the URL contains whitespace or control characters");
    }
  }
  const auto separator = url.find("://");
  if (separator == std::string_view::npos) {
    return error("the URL has no scheme: write redis://host:port/db or unix:///path/to.sock");
  }
  const auto scheme = url.substr(0, separator);
  const auto rest = url.substr(separator + 3);
  if (rest.find('#') != std::string_view::npos) return error("fragments ('#') are not allowed");
  if (scheme == "redis") return parse_tcp(rest);
  if (scheme == "unix") return parse_unix(rest);
  if (scheme == "rediss") return error("TLS (rediss://) is not supported; use redis://");
  bool printable = !scheme.empty() && scheme.size() <= 16;
  for (const char c : scheme)
    printable = printable && is_scheme_char(c);
  if (!printable) return error("unsupported scheme: use redis:// or unix://");
  return error("unsupported scheme '" + std::string(scheme) + "': use redis:// or unix://");
}

std::string to_string(const redis_endpoint& endpoint) {
  std::string credentials;
  if (!endpoint.password.empty()) credentials = endpoint.username + ":***@";
  if (endpoint.is_unix()) {
    return "unix://" + credentials + endpoint.unix_path + "?db=" + std::to_string(endpoint.db);
  }
  const bool ipv6 = endpoint.host.find(':') != std::string::npos;
  const std::string host = ipv6 ? "[" + endpoint.host + "]" : endpoint.host;
  return "redis://" + credentials + host + ":" + std::to_string(endpoint.port) + "/" +
         std::to_string(endpoint.db);
}

}  // namespace index_optimizer
