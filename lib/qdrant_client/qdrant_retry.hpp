#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/backoff.hpp"
#include "qdrant_port/qdrant_gateway.hpp"

// When and how long the Qdrant client waits before trying a failed call again. Pure: the client
// asks these functions and sleeps; tests check the decisions without a clock.
namespace index_optimizer::qdrant {

// The calls the client makes; also the `operation` label of its metrics.
enum class operation { server_version, collection_info, create_index, delete_index };

std::string_view to_string(operation op) noexcept;

// How long to wait between attempts; how many attempts comes from qdrant.max_retries.
struct retry_policy {
  // Backoff between attempts: initial * 2^n, capped, minus up to half of it at random so that
  // many daemons that lost the same Qdrant do not retry in lockstep.
  backoff_policy backoff{std::chrono::milliseconds(200), std::chrono::seconds(10), 2.0, 0.5};
  // A Retry-After longer than this is cut to it: one overloaded answer must not stall a worker
  // thread for minutes.
  std::chrono::milliseconds max_retry_after = std::chrono::seconds(30);
};

// Whether a failed call may be tried again: transport failures, 408, 429 and 5xx
// (qdrant_error::transient), except a create_index that timed out. That one waited
// qdrant.index_timeout for a build Qdrant keeps running; sending it again would wait as long once
// more, so its timeout is final and reported as such.
bool should_retry(operation op, const qdrant_error& error) noexcept;

// Retry-After as delta-seconds ("5"); an HTTP-date or garbage gives nullopt (plain backoff then).
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) noexcept;

// The wait before retry number `retry` (1 for the first retry): the backoff, or the server's
// Retry-After (capped at max_retry_after) when that is longer. `unit_random` is in [0, 1).
std::chrono::milliseconds retry_delay(const retry_policy& policy, unsigned retry,
                                      std::optional<std::chrono::seconds> retry_after,
                                      double unit_random) noexcept;

// The `outcome` metric label of a call: "ok", or what went wrong ("client_error" for 4xx,
// "server_error" for 5xx and other statuses, "not_sent" when no attempt reached Qdrant because
// no connection could be made, else the error kind). Bounded, never a name or text.
std::string_view outcome_label(const qdrant_error* error) noexcept;

}  // namespace index_optimizer::qdrant
