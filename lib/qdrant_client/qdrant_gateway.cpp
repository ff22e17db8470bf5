#include "qdrant_client/qdrant_gateway.hpp"

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
  }
  return "unknown";
}

}  // namespace index_optimizer
