#include "http/api_message.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

#include "base/validation_error.hpp"

namespace index_optimizer::http {

std::optional<std::string_view> api_request::header(std::string_view name) const {
  const auto it = raw.find(name);
  if (it == raw.end()) return std::nullopt;
  return std::string_view(it->value().data(), it->value().size());
}

api_response json_response(unsigned status, const boost::json::value& body) {
  api_response r;
  r.status = status;
  r.body = boost::json::serialize(body);
  return r;
}

std::string_view error_type_for_status(unsigned status) noexcept {
  switch (status) {
    case 400:
      return "BadRequestError";
    case 401:
      return "UnauthorizedError";
    case 403:
      return "ForbiddenError";
    case 404:
      return "NotFoundError";
    case 405:
      return "MethodNotAllowedError";
    case 408:
      return "RequestTimeoutError";
    case 409:
      return "AlreadyExistsError";
    case 412:
      return "PreconditionFailedError";
    case 413:
      return "PayloadTooLargeError";
    case 415:
      return "UnsupportedMediaTypeError";
    case 422:
      return "ValidationError";
    case 428:
      return "PreconditionRequiredError";
    case 429:
      return "TooManyRequestsError";
    case 431:
      return "RequestHeaderFieldsTooLargeError";
    case 502:
      return "BadGatewayError";
    case 503:
      return "ServiceUnavailableError";
    case 504:
      return "GatewayTimeoutError";
    default:
      return status >= 500 ? "InternalServerError" : "BadRequestError";
  }
}

api_response error_response(unsigned status, std::string_view message,
                            boost::json::object details) {
  return json_response(
      status, error_envelope(static_cast<int>(status), error_type_for_status(status), message,
                             std::move(details)));
}

namespace {

bool is_retry_after(const std::pair<std::string, std::string>& header) {
  return boost::beast::iequals(header.first, "Retry-After");
}

}  // namespace

api_response with_retry_after(api_response response, std::chrono::seconds after) {
  std::erase_if(response.headers, is_retry_after);
  response.headers.emplace_back("Retry-After",
                                std::to_string(std::max<std::int64_t>(1, after.count())));
  return response;
}

void ensure_retry_after(api_response& response) {
  if (response.status != 503) return;
  if (std::any_of(response.headers.begin(), response.headers.end(), is_retry_after)) return;
  response.headers.emplace_back("Retry-After", "1");
}

api_response request_timeout_response(std::chrono::milliseconds timeout) {
  return with_retry_after(
      error_response(503,
                     "The request was not handled within " + std::to_string(timeout.count()) +
                         " ms (http.request_timeout): nothing was changed; retry later",
                     {{"reason", "request_timeout"}}),
      std::chrono::seconds(1));
}

}  // namespace index_optimizer::http
