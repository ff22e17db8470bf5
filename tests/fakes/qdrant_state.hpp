#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/qdrant_field_schema.hpp"

// The fake Qdrant's collections and its REST semantics, without sockets: a request value goes in,
// a response value comes out. The network shell (fake_qdrant) adds faults, delays and the log.
namespace index_optimizer::testing::fake {

struct http_exchange_request {
  std::string method;  // upper case, e.g. "PUT"
  std::string target;  // raw request target: path + optional query, still percent-encoded
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
};

struct http_exchange_response {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // includes content-type
  std::string body;
};

// Decodes %XX escapes (and '+' as a space in query strings); nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// Qdrant's error envelope `{"status": {"error": message}, "time": t}` as a full response.
http_exchange_response qdrant_error_response(unsigned status, const std::string& message,
                                             double seconds = 0.0);

class qdrant_state {
 public:
  struct settings {
    std::string api_key;  // empty: no authentication, like Qdrant without service.api_key
    std::string version = "1.19.0";
    std::string commit = "f00dfeedc0ffee0123456789abcdef0123456789";
    // Strict mode cap given to collections the fake creates (API or tests); nullopt = none.
    std::optional<std::size_t> default_max_payload_index_count;
  };

  qdrant_state();
  explicit qdrant_state(settings s);

  // Answers one request as Qdrant 1.19 would. Thread-safe.
  http_exchange_response handle(const http_exchange_request& request);

  // Direct state access for tests (thread-safe). Mutators on a missing collection throw
  // std::out_of_range so a typo in a test fails loudly.
  void create_collection(const std::string& name);
  bool has_collection(const std::string& name) const;
  void delete_collection(const std::string& name);
  std::vector<std::string> collection_names() const;
  void set_points_count(const std::string& collection, std::uint64_t points);
  // `points` reported for one index in payload_schema (default: the collection's points_count).
  void set_index_points(const std::string& collection, const std::string& field,
                        std::uint64_t points);
  // Strict-mode `max_payload_index_count` for a collection; nullopt disables the cap.
  void set_max_payload_index_count(const std::string& collection,
                                   std::optional<std::size_t> max_count);
  // Overrides `status` in collection info (green/yellow/grey/red); nullopt = computed.
  void set_collection_status(const std::string& collection, std::optional<std::string> status);
  // Creates an index as if PUT had succeeded with this field_schema JSON (string or object).
  void create_index(const std::string& collection, const std::string& field,
                    const boost::json::value& field_schema);
  // `payload_schema` of a collection exactly as GET /collections/{c} shows it.
  boost::json::object payload_schema(const std::string& collection) const;
  std::vector<std::string> index_fields(const std::string& collection) const;
  // How many index builds PUT requests caused (new index or a different schema); an identical
  // re-send builds nothing. Lets tests tell a no-op from a rebuild.
  std::uint64_t index_builds() const;

  // wait=false index creations stay invisible (the collection reports "yellow") until released,
  // to exercise clients that poll payload_schema after an "acknowledged" answer.
  void set_hold_async_indexes(bool hold);
  std::size_t release_pending_indexes();
  // Every index creation (wait or not) stays invisible until released, as a build that outlasts
  // the request's wait: Qdrant answers `wait_timeout` with wait=true (`acknowledged` without),
  // at once rather than after `timeout` seconds.
  void set_hold_index_builds(bool hold);
  // Forces the UpdateResult status of index operations ("wait_timeout", ...); nullopt = real.
  // The operation itself is applied at once, as if Qdrant finished it right after answering.
  void set_index_operation_status(std::optional<std::string> status);

 private:
  struct payload_index {
    parsed_field_schema schema;
    std::optional<std::uint64_t> points;
  };
  struct pending_index {
    std::string field;
    parsed_field_schema schema;
  };
  struct collection_state {
    boost::json::object create_request;  // the PUT body, echoed in config.params
    std::uint64_t points_count = 0;
    std::optional<std::size_t> max_payload_index_count;
    std::optional<std::string> status_override;
    std::map<std::string, payload_index> indexes;
    std::vector<pending_index> pending;
  };

  http_exchange_response route(const http_exchange_request& request,
                               const std::vector<std::string>& segments,
                               const std::map<std::string, std::string>& query,
                               std::chrono::steady_clock::time_point started);
  http_exchange_response create_collection_request(const std::string& name,
                                                   const http_exchange_request& request,
                                                   double elapsed);
  http_exchange_response create_index_request(const std::string& name,
                                              const http_exchange_request& request,
                                              const std::map<std::string, std::string>& query,
                                              double elapsed);
  http_exchange_response delete_index_request(const std::string& name, const std::string& field,
                                              const std::map<std::string, std::string>& query,
                                              double elapsed);
  // Builds the index unless an identical one exists (then Qdrant does nothing).
  void apply_index(collection_state& c, const std::string& field, parsed_field_schema schema);
  // UpdateResult with the next operation_id: acknowledged without wait, else completed once
  // `finished`, wait_timeout when not.
  boost::json::object update_result(bool wait, bool finished = true);
  boost::json::object collection_info(const collection_state& c) const;
  boost::json::object payload_schema_of(const collection_state& c) const;
  collection_state& existing(const std::string& name);
  const collection_state& existing(const std::string& name) const;
  collection_state make_collection(boost::json::object create_request) const;

  settings settings_;
  mutable std::mutex mutex_;
  std::map<std::string, collection_state> collections_;
  std::uint64_t next_operation_id_ = 1;
  std::uint64_t index_builds_ = 0;
  bool hold_async_indexes_ = false;
  bool hold_index_builds_ = false;
  std::optional<std::string> index_operation_status_;
};

}  // namespace index_optimizer::testing::fake
