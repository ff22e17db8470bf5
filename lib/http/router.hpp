#pragma once

#include <boost/beast/http/verb.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "auth/auth_types.hpp"
#include "http/api_message.hpp"

namespace index_optimizer::http {

// Splits a request target into its percent-decoded path segments and query parameters.
// Returns nullopt for targets that are not origin-form, contain invalid percent escapes, or
// decode to bytes that are not UTF-8.
struct parsed_target {
  std::string path;  // decoded, for logs and handlers
  std::vector<std::string> segments;
  std::map<std::string, std::string> query;
};
std::optional<parsed_target> parse_target(std::string_view target);

using handler = std::function<api_response(api_request&)>;

// Where a handler runs. Handlers that touch Redis or Qdrant block, so they run on the worker pool
// and never on an I/O thread; handlers that only read memory (health, metrics) run inline.
enum class execution { worker_pool, inline_io };

// How a worker-pool handler's changes are fenced against http.request_timeout (effects_gate), so
// that a request answered 503 at its deadline has changed nothing and never will.
enum class effects {
  by_method,  // `none` for GET and HEAD, `at_start` for every other method
  none,       // changes nothing: answered 503 at the deadline, its late result dropped
  at_start,   // may change something anywhere: once it starts, its own answer is awaited
  gated,      // calls request.begin_effects() before its first change (see effects_gate)
};

struct route {
  boost::beast::http::verb method;
  std::string path_template;  // "/v1/namespaces/{namespace_identifier}"; also the metrics label
  std::optional<permission> required = permission::read;  // nullopt: open to anyone
  handler handle;
  execution where = execution::worker_pool;
  effects changes = effects::by_method;
};

// `by_method` resolved for the route's method.
effects effects_of(const route& r) noexcept;

struct route_match {
  const route* matched;
  std::map<std::string, std::string> path_params;
};
struct route_not_found {};
struct route_method_not_allowed {
  std::vector<std::string> allowed;  // for the Allow header, e.g. {"GET", "PATCH"}
};
using route_result = std::variant<route_match, route_not_found, route_method_not_allowed>;

// Maps method + path to a route. Pure: no I/O, unit-tested without sockets.
class router {
 public:
  // Throws std::invalid_argument on a malformed template or a duplicate method + template.
  void add(route r);
  route_result match(boost::beast::http::verb method, const parsed_target& target) const;
  // Convenience for tests: parses a raw request target first.
  route_result match(boost::beast::http::verb method, std::string_view target) const;
  const std::vector<route>& routes() const { return routes_; }

 private:
  struct compiled {
    std::vector<std::string> segments;  // "{name}" segments are parameters
  };
  static std::optional<std::map<std::string, std::string>> match_segments(
      const compiled& c, const std::vector<std::string_view>& path);

  std::vector<route> routes_;
  std::vector<compiled> compiled_;
};

}  // namespace index_optimizer::http
