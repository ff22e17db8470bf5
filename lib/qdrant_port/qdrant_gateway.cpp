#include "qdrant_port/qdrant_gateway.hpp"

namespace index_optimizer {

std::string_view to_string(qdrant_error::kind what) noexcept {
  switch (what) {
    case qdrant_error::kind::unreachable:
      return "unreachable";
    case qdrant_error::kind::timeout:
      return "timeout";
    case qdrant_error::kind::tls:
      return "tls";
    case qdrant_error::kind::http_status:
      return "http_status";
    case qdrant_error::kind::invalid_response:
      return "invalid_response";
    case qdrant_error::kind::circuit_open:
      return "circuit_open";
    case qdrant_error::kind::concurrency_limit:
      return "concurrency_limit";
  }
  return "unknown";
}

std::string describe(const qdrant_error& error) {
  std::string text = error.message;
  if (error.what == qdrant_error::kind::http_status) {
    text = "HTTP " + std::to_string(error.status) + (text.empty() ? "" : ": " + text);
  }
  constexpr std::string_view k_not_sent = "not sent: ";
  if (!error.request_sent && text.compare(0, k_not_sent.size(), k_not_sent) != 0) {
    text.insert(0, k_not_sent);
  }
  return text;
}

}  // namespace index_optimizer
