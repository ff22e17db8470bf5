#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "qdrant_port/qdrant_gateway.hpp"

// Qdrant's answers as values: the success and error envelopes, and the result shapes of the
// operations the client sends. Pure, so every shape (and every malformed one) is unit-tested
// without a socket.
namespace index_optimizer::qdrant {

// Longest error text kept from an answer; a proxy's HTML error page should not end up whole in
// logs and API responses.
inline constexpr std::size_t max_error_message_bytes = 1024;

// The text that explains a non-2xx answer: Qdrant's `status.error` when the body is its error
// envelope, else the body itself (401/403 are plain text), trimmed and shortened, else
// "HTTP <status> <reason>" for an empty body (actix answers unknown routes with an empty 404).
std::string error_message(unsigned status, std::string_view body);

// A non-2xx answer as a qdrant_error of kind http_status.
qdrant_error http_status_error(unsigned status, std::string_view body);

// The `result` of a 2xx answer carrying `{"result": ..., "status": "ok", "time": t}`; any other
// 2xx body is kind invalid_response. Non-2xx answers become http_status_error.
qdrant_result<boost::json::value> parse_envelope(unsigned status, std::string_view body);

// GET / answers `{"title", "version", "commit"?}` without an envelope.
qdrant_result<qdrant_version_info> parse_version_info(unsigned status, std::string_view body);

// The `result` of GET /collections/{c}: status, points_count (null when Qdrant does not know it),
// payload_schema (absent = no indexes).
qdrant_result<qdrant_collection_info> parse_collection_info(const boost::json::value& result);

// The `result` of index PUT/DELETE: {"operation_id": n|null, "status": ...}.
qdrant_result<qdrant_update_result> parse_update_result(const boost::json::value& result);

}  // namespace index_optimizer::qdrant
