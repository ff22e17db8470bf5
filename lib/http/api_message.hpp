#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/auth_types.hpp"
#include "base/effects_gate.hpp"

namespace index_optimizer::http {

using beast_request = boost::beast::http::request<boost::beast::http::string_body>;

// Who made a request, once authenticated. Open routes see an anonymous caller.
struct caller_identity {
  std::string key_name;             // empty when anonymous
  std::optional<permission> level;  // nullopt: anonymous on an open route
};

// What a handler sees: the parsed request plus what routing and authentication found.
struct api_request {
  beast_request raw;
  std::string path;                                // decoded path, without the query
  std::map<std::string, std::string> query;        // decoded query parameters (last one wins)
  std::map<std::string, std::string> path_params;  // from the route template
  caller_identity caller;
  std::string remote_address;
  // Shared with the server's http.request_timeout timer: a handler calls begin_effects() before
  // its first Redis write or Qdrant call, and changes nothing when that returns false (the
  // request is being answered 503). Null: no deadline (inline routes, tests).
  std::shared_ptr<effects_gate> gate;

  // Header value by case-insensitive name; nullopt when absent.
  std::optional<std::string_view> header(std::string_view name) const;
  [[nodiscard]] bool begin_effects() const { return gate == nullptr || gate->begin_effects(); }
};

struct api_response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

api_response json_response(unsigned status, const boost::json::value& body);

// Mixpeek's error type name for a status ("NotFoundError", ...). Mixpeek names none for 405, 412,
// 413, 431, 502, 503 and 504: ours follow its style (see docs/api.md).
std::string_view error_type_for_status(unsigned status) noexcept;

// Mixpeek's error envelope:
// {"success": false, "status": N, "error": {"message", "type", "details"}}.
api_response error_response(unsigned status, std::string_view message,
                            boost::json::object details = {});

// Sets Retry-After (delta-seconds, at least 1), replacing one already there.
api_response with_retry_after(api_response response, std::chrono::seconds after);
// A 503 without Retry-After gets `Retry-After: 1`: every 503 tells the client when to retry.
void ensure_retry_after(api_response& response);

// The 503 a request gets when http.request_timeout (`timeout`) passed before its handler began
// changing anything: nothing was changed, retrying is safe.
api_response request_timeout_response(std::chrono::milliseconds timeout);

}  // namespace index_optimizer::http
