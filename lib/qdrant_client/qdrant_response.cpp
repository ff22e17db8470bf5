#include "qdrant_client/qdrant_response.hpp"

#include <boost/beast/http/status.hpp>
#include <boost/json/parse.hpp>

namespace index_optimizer::qdrant {
namespace {

namespace json = boost::json;

qdrant_error invalid(std::string message) {
  return qdrant_error{qdrant_error::kind::invalid_response, 0, std::move(message)};
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// Cuts at a UTF-8 character boundary so the text stays valid in JSON logs and API errors.
std::string shorten(std::string_view text) {
  if (text.size() <= max_error_message_bytes) return std::string(text);
  std::size_t end = max_error_message_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U)
    --end;
  return std::string(text.substr(0, end)) + "...";
}

std::optional<json::value> parse_json(std::string_view body) {
  boost::system::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec) return std::nullopt;
  return value;
}

const json::string* string_member(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value == nullptr ? nullptr : value->if_string();
}

// A member holding a count: absent or null is fine (nullopt), anything but a non-negative
// integer is not (false).
bool read_count(const json::object& object, std::string_view key,
                std::optional<std::uint64_t>& out) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) return true;
  boost::system::error_code ec;
  const auto count = value->to_number<std::uint64_t>(ec);
  if (ec || value->is_double()) return false;
  out = count;
  return true;
}

bool is_success(unsigned status) {
  return status >= 200 && status < 300;
}

}  // namespace

std::string error_message(unsigned status, std::string_view body) {
  if (const auto parsed = parse_json(body); parsed && parsed->is_object()) {
    if (const auto* status_member = parsed->as_object().if_contains("status");
        status_member != nullptr && status_member->is_object()) {
      if (const auto* text = string_member(status_member->as_object(), "error")) {
        return shorten(std::string_view(text->data(), text->size()));
      }
    }
  }
  const std::string_view text = trim(body);
  if (!text.empty()) return shorten(text);
  const auto reason =
      boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  return "HTTP " + std::to_string(status) + (reason.empty() ? "" : " ") + std::string(reason);
}

qdrant_error http_status_error(unsigned status, std::string_view body) {
  return qdrant_error{qdrant_error::kind::http_status, status, error_message(status, body)};
}

qdrant_result<json::value> parse_envelope(unsigned status, std::string_view body) {
  if (!is_success(status)) return http_status_error(status, body);
  auto parsed = parse_json(body);
  if (!parsed || !parsed->is_object()) {
    return invalid("HTTP " + std::to_string(status) + " answer is not a JSON object");
  }
  auto& object = parsed->as_object();
  const auto* envelope_status = string_member(object, "status");
  if (envelope_status == nullptr || *envelope_status != "ok") {
    return invalid("HTTP " + std::to_string(status) + " answer has no \"status\": \"ok\"");
  }
  auto* result = object.if_contains("result");
  if (result == nullptr) {
    return invalid("HTTP " + std::to_string(status) + " answer has no \"result\"");
  }
  return std::move(*result);
}

qdrant_result<qdrant_version_info> parse_version_info(unsigned status, std::string_view body) {
  if (!is_success(status)) return http_status_error(status, body);
  const auto parsed = parse_json(body);
  if (!parsed || !parsed->is_object()) return invalid("GET / answer is not a JSON object");
  const auto& object = parsed->as_object();
  const auto* title = string_member(object, "title");
  const auto* version = string_member(object, "version");
  if (title == nullptr || version == nullptr) {
    return invalid("GET / answer lacks the string \"title\" or \"version\"");
  }
  qdrant_version_info info;
  info.title = std::string(*title);
  info.version = std::string(*version);
  if (const auto* commit = string_member(object, "commit")) info.commit = std::string(*commit);
  return info;
}

qdrant_result<qdrant_collection_info> parse_collection_info(const json::value& result) {
  if (!result.is_object()) return invalid("collection info is not a JSON object");
  const auto& object = result.as_object();
  qdrant_collection_info info;
  const auto* status = string_member(object, "status");
  if (status == nullptr) return invalid("collection info has no string \"status\"");
  info.status = std::string(*status);
  if (!read_count(object, "points_count", info.points_count)) {
    return invalid("collection info \"points_count\" is not a non-negative integer");
  }
  if (const auto* schema = object.if_contains("payload_schema"); schema && !schema->is_null()) {
    if (!schema->is_object()) return invalid("collection info \"payload_schema\" is not an object");
    info.payload_schema = schema->as_object();
  }
  return info;
}

qdrant_result<qdrant_update_result> parse_update_result(const json::value& result) {
  if (!result.is_object()) return invalid("update result is not a JSON object");
  const auto& object = result.as_object();
  qdrant_update_result update;
  const auto* status = string_member(object, "status");
  if (status == nullptr) return invalid("update result has no string \"status\"");
  update.status = std::string(*status);
  std::optional<std::uint64_t> operation_id;
  if (!read_count(object, "operation_id", operation_id)) {
    return invalid("update result \"operation_id\" is not a non-negative integer");
  }
  update.operation_id = operation_id.value_or(0);
  return update;
}

}  // namespace index_optimizer::qdrant
