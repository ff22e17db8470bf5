#include "qdrant_client/qdrant_retry.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

namespace index_optimizer::qdrant {

std::string_view to_string(operation op) noexcept {
  switch (op) {
    case operation::server_version:
      return "server_version";
    case operation::collection_info:
      return "collection_info";
    case operation::create_index:
      return "create_index";
    case operation::delete_index:
      return "delete_index";
  }
  return "unknown";
}

bool should_retry(operation op, const qdrant_error& error) noexcept {
  if (op == operation::create_index && error.what == qdrant_error::kind::timeout) return false;
  return error.transient();
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) noexcept {
  const auto first = value.find_first_not_of(" \t");
  if (first == std::string_view::npos) return std::nullopt;
  value = value.substr(first, value.find_last_not_of(" \t") - first + 1);
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc::result_out_of_range && end == value.data() + value.size()) {
    return std::chrono::seconds(std::numeric_limits<std::int32_t>::max());
  }
  if (ec != std::errc{} || end != value.data() + value.size() || seconds < 0) return std::nullopt;
  return std::chrono::seconds(
      std::min<std::int64_t>(seconds, std::numeric_limits<std::int32_t>::max()));
}

std::chrono::milliseconds retry_delay(const retry_policy& policy, unsigned retry,
                                      std::optional<std::chrono::seconds> retry_after,
                                      double unit_random) noexcept {
  const auto backoff = backoff_delay(policy.backoff, std::max(retry, 1U), unit_random);
  if (!retry_after) return backoff;
  const auto requested = std::min<std::chrono::milliseconds>(*retry_after, policy.max_retry_after);
  return std::max(backoff, requested);
}

std::string_view outcome_label(const qdrant_error* error) noexcept {
  if (error == nullptr) return "ok";
  if (error->what == qdrant_error::kind::http_status) {
    return error->status >= 400 && error->status < 500 ? "client_error" : "server_error";
  }
  // Qdrant could not be reached at all (refused, unresolvable, connect timeout): say so rather
  // than the transport error, since it is the one outcome known to have changed nothing.
  if (!error->request_sent && (error->what == qdrant_error::kind::unreachable ||
                               error->what == qdrant_error::kind::timeout)) {
    return "not_sent";
  }
  return to_string(error->what);
}

}  // namespace index_optimizer::qdrant
