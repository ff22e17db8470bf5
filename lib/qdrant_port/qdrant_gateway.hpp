#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "qdrant_port/qdrant_bulkhead.hpp"

namespace index_optimizer {

// Why a Qdrant call failed. `status` is the HTTP status when Qdrant answered (0 otherwise);
// `message` is Qdrant's own `status.error` text when it sent one, else a description of the
// transport failure. Never contains the api-key.
struct qdrant_error {
  // unreachable: resolve/connect failed or the connection broke; timeout: connect, TLS handshake
  // or answer took too long; tls: the TLS negotiation failed (certificate not trusted, wrong
  // host, no common protocol); http_status: Qdrant answered non-2xx; invalid_response: the
  // answer was not HTTP or not Qdrant's JSON. Refused here, never sent: circuit_open: the
  // target's circuit breaker is open after consecutive timeouts or connection failures;
  // concurrency_limit: qdrant.max_concurrent_requests callers already wait on Qdrant.
  enum class kind {
    unreachable,
    timeout,
    tls,
    http_status,
    invalid_response,
    circuit_open,
    concurrency_limit
  };
  kind what = kind::unreachable;
  unsigned status = 0;
  std::string message;
  // Whether Qdrant may have received the request, in the last attempt or an earlier one of the
  // same call. False only when it certainly did not: no connection was ever established for it
  // (refused, unresolvable, connect or TLS handshake failed) or it was refused before sending.
  // A request that was not sent changed nothing.
  bool request_sent = true;
  // circuit_open and concurrency_limit: when trying again may be admitted.
  std::optional<std::chrono::seconds> retry_after{};

  // True for failures a later retry may fix: unreachable, timeout, 408, 429, 5xx. A failed TLS
  // negotiation (certificate, protocol), an answer that is not Qdrant's and a call refused here
  // stay failed.
  bool transient() const noexcept {
    if (what == kind::unreachable || what == kind::timeout) return true;
    return what == kind::http_status && (status == 408 || status == 429 || status >= 500);
  }
  // Refused by the circuit breaker or the bulkhead: nothing was sent, try again later.
  bool not_admitted() const noexcept {
    return what == kind::circuit_open || what == kind::concurrency_limit;
  }

  friend bool operator==(const qdrant_error&, const qdrant_error&) = default;
};

// "unreachable", "timeout", "tls", "http_status", "invalid_response", "circuit_open",
// "concurrency_limit".
std::string_view to_string(qdrant_error::kind what) noexcept;

// One line for logs, errors and run records: "HTTP 503: <Qdrant's text>" for an answer, the
// transport failure otherwise, starting "not sent: " when Qdrant certainly never got the request.
std::string describe(const qdrant_error& error);

template <typename T>
class qdrant_result {
 public:
  qdrant_result(T value) : state_(std::move(value)) {}
  qdrant_result(qdrant_error error) : state_(std::move(error)) {}
  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  const T& value() const { return std::get<0>(state_); }
  T& value() { return std::get<0>(state_); }
  const qdrant_error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, qdrant_error> state_;
};

struct qdrant_collection_info {
  std::optional<std::uint64_t> points_count;  // approximate, as Qdrant reports it
  std::string status;                         // green / yellow / grey / red
  boost::json::object payload_schema;         // field -> {"data_type", "params"?, "points"}
};

struct qdrant_update_result {
  std::uint64_t operation_id = 0;
  std::string status;  // acknowledged / completed / wait_timeout

  // Qdrant's UpdateStatus `completed`: "Request is completed, changes are actual". The other two
  // mean the operation is queued (acknowledged) or still running (wait_timeout).
  bool completed() const noexcept { return status == "completed"; }

  friend bool operator==(const qdrant_update_result&, const qdrant_update_result&) = default;
};

struct qdrant_version_info {
  std::string title;
  std::string version;  // "1.19.0"
  std::string commit;   // empty when Qdrant did not say
};

// A place among the callers that may wait on Qdrant at once (see qdrant_bulkhead): held for a
// sequence of calls made on one thread, released when destroyed.
using qdrant_permit = qdrant::qdrant_bulkhead::place;

// The Qdrant operations the daemon needs. The real implementation is the REST client
// (qdrant_client); catalog-only mode has none. Calls block (bounded by the client's timeouts)
// and are made from worker threads, never from an I/O thread.
class qdrant_gateway {
 public:
  virtual ~qdrant_gateway() = default;

  // Reserves a place for the calls this thread makes until the permit is destroyed, or refuses
  // at once (circuit_open, concurrency_limit; never blocks). A call made without a permit takes
  // a place for its own length, and is refused the same way when there is none.
  virtual qdrant_result<qdrant_permit> reserve() = 0;

  // GET / : title and version (no api-key needed).
  virtual qdrant_result<qdrant_version_info> server_version() = 0;
  // GET /collections/{collection}
  virtual qdrant_result<qdrant_collection_info> collection_info(std::string_view collection) = 0;
  // GET /collections/{collection} for a detail the caller can show as unknown (a namespace's
  // document_count): one attempt, no retries, connecting and answering each within `timeout`
  // (or the configured timeouts when shorter), so a hanging Qdrant costs the caller little.
  virtual qdrant_result<qdrant_collection_info> collection_info_once(
      std::string_view collection, std::chrono::milliseconds timeout) = 0;
  // PUT /collections/{collection}/index?wait=true&timeout=s with {"field_name", "field_schema"};
  // the schema is sent exactly as given (a type string or a params object).
  virtual qdrant_result<qdrant_update_result> create_index(
      std::string_view collection, std::string_view field_name,
      const boost::json::value& field_schema) = 0;
  // DELETE /collections/{collection}/index/{field_name}?wait=true (names percent-encoded).
  virtual qdrant_result<qdrant_update_result> delete_index(std::string_view collection,
                                                           std::string_view field_name) = 0;
};

}  // namespace index_optimizer
