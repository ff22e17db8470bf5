#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace index_optimizer {

// Why a Qdrant call failed. `status` is the HTTP status when Qdrant answered (0 otherwise);
// `message` is Qdrant's own `status.error` text when it sent one, else a description of the
// transport failure. Never contains the api-key.
struct qdrant_error {
  enum class kind { unreachable, timeout, tls, http_status, invalid_response };
  kind what = kind::unreachable;
  unsigned status = 0;
  std::string message;

  // True for failures a later retry may fix (transport errors, 408, 429, 5xx).
  bool transient() const noexcept {
    return what != kind::http_status || status == 408 || status == 429 || status >= 500;
  }
};

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
};

struct qdrant_version_info {
  std::string title;
  std::string version;  // "1.19.0"
};

// The Qdrant operations the daemon needs. The real implementation is the REST client
// (qdrant_client); catalog-only mode has none. Calls block (bounded by the client's timeouts)
// and are made from worker threads, never from an I/O thread.
class qdrant_gateway {
 public:
  virtual ~qdrant_gateway() = default;

  // GET / : title and version (no api-key needed).
  virtual qdrant_result<qdrant_version_info> server_version() = 0;
  // GET /collections/{collection}
  virtual qdrant_result<qdrant_collection_info> collection_info(std::string_view collection) = 0;
  // PUT /collections/{collection}/index?wait=true with {"field_name", "field_schema"}; the schema
  // is sent exactly as given (a type string or a params object).
  virtual qdrant_result<qdrant_update_result> create_index(
      std::string_view collection, std::string_view field_name,
      const boost::json::value& field_schema) = 0;
  // DELETE /collections/{collection}/index/{field_name} (field name percent-encoded).
  virtual qdrant_result<qdrant_update_result> delete_index(std::string_view collection,
                                                           std::string_view field_name) = 0;
};

}  // namespace index_optimizer
