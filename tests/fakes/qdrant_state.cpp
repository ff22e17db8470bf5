#include "fakes/qdrant_state.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <variant>

#include "namespace_model/qdrant_json_path.hpp"
#include "support/ascii_case.hpp"

namespace index_optimizer::testing::fake {
namespace {

namespace json = boost::json;

constexpr std::string_view json_content_type = "application/json";
constexpr std::string_view text_content_type = "text/plain; charset=utf-8";

double seconds_since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

std::string collection_not_found(const std::string& name) {
  return "Not found: Collection `" + name + "` doesn't exist!";
}

http_exchange_response json_response(unsigned status, const json::value& body) {
  http_exchange_response res;
  res.status = status;
  res.headers.emplace_back("content-type", json_content_type);
  res.body = json::serialize(body);
  return res;
}

http_exchange_response ok_response(json::value result, double seconds) {
  return json_response(
      200, json::object{{"result", std::move(result)}, {"status", "ok"}, {"time", seconds}});
}

http_exchange_response text_response(unsigned status, std::string body) {
  http_exchange_response res;
  res.status = status;
  res.headers.emplace_back("content-type", text_content_type);
  res.body = std::move(body);
  return res;
}

// actix answers an unmatched route with an empty 404.
http_exchange_response no_route() {
  http_exchange_response res;
  res.status = 404;
  return res;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Path segments after the leading '/', decoded; nullopt when an escape is malformed.
std::optional<std::vector<std::string>> path_segments(std::string_view path) {
  std::vector<std::string> segments;
  if (path.empty() || path.front() != '/') return std::nullopt;
  if (path == "/") return segments;
  std::size_t start = 1;
  while (true) {
    const std::size_t slash = path.find('/', start);
    const std::string_view raw = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    auto decoded = percent_decode(raw, false);
    if (!decoded) return std::nullopt;
    segments.push_back(std::move(*decoded));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

std::optional<std::map<std::string, std::string>> query_parameters(std::string_view query) {
  std::map<std::string, std::string> params;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!key || !value) return std::nullopt;
    params[*key] = *value;
  }
  return params;
}

// actix's Json extractor insists on a JSON media type (application/json or a +json suffix).
bool is_json_content_type(const std::map<std::string, std::string>& headers) {
  const auto it = headers.find("content-type");
  if (it == headers.end()) return false;
  std::string mime = to_lower_ascii(it->second.substr(0, it->second.find(';')));
  while (!mime.empty() && std::isspace(static_cast<unsigned char>(mime.back())))
    mime.pop_back();
  while (!mime.empty() && std::isspace(static_cast<unsigned char>(mime.front())))
    mime.erase(0, 1);
  return mime == "application/json" ||
         (mime.size() > 5 && mime.compare(mime.size() - 5, 5, "+json") == 0);
}

// The JSON body of a request, or the 400 Qdrant's extractor answers with.
std::variant<json::value, http_exchange_response> json_body(const http_exchange_request& request,
                                                            double elapsed) {
  if (!is_json_content_type(request.headers)) {
    return qdrant_error_response(400, "Content type error", elapsed);
  }
  if (request.body.empty()) {
    return qdrant_error_response(
        400, "Format error in JSON body: EOF while parsing a value at line 1 column 0", elapsed);
  }
  boost::system::error_code ec;
  json::value body = json::parse(request.body, ec);
  if (ec) return qdrant_error_response(400, "Format error in JSON body: " + ec.message(), elapsed);
  return body;
}

struct update_params {
  bool wait = false;  // Qdrant's default: answer once the operation is queued
};

// wait/ordering/timeout as Qdrant's Query<UpdateParams> extractor reads them.
std::variant<update_params, http_exchange_response> parse_update_params(
    const std::map<std::string, std::string>& query, double elapsed) {
  update_params params;
  if (const auto it = query.find("wait"); it != query.end()) {
    if (it->second != "true" && it->second != "false") {
      return qdrant_error_response(
          400, "Deserialize error in query parameters: provided string was not `true` or `false`",
          elapsed);
    }
    params.wait = it->second == "true";
  }
  if (const auto it = query.find("ordering"); it != query.end()) {
    if (it->second != "weak" && it->second != "medium" && it->second != "strong") {
      return qdrant_error_response(400,
                                   "Deserialize error in query parameters: unknown variant `" +
                                       it->second + "`, expected one of `weak`, `medium`, `strong`",
                                   elapsed);
    }
  }
  if (const auto it = query.find("timeout"); it != query.end()) {
    const std::string& t = it->second;
    if (t.empty() ||
        !std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c) != 0; }) ||
        t.size() > 19) {
      return qdrant_error_response(
          400, "Deserialize error in query parameters: invalid digit found in string", elapsed);
    }
    if (std::stoull(t) == 0) {
      return qdrant_error_response(
          422,
          "Validation error in query parameters: [timeout: value 0 invalid, must be 1 or larger]",
          elapsed);
    }
  }
  return params;
}

bool auth_whitelisted(std::string_view path) {
  return path == "/" || path == "/healthz" || path.rfind("/readyz", 0) == 0 ||
         path.rfind("/livez", 0) == 0;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

http_exchange_response qdrant_error_response(unsigned status, const std::string& message,
                                             double seconds) {
  return json_response(
      status, json::object{{"status", json::object{{"error", message}}}, {"time", seconds}});
}

qdrant_state::qdrant_state() : qdrant_state(settings{}) {}

qdrant_state::qdrant_state(settings s) : settings_(std::move(s)) {}

http_exchange_response qdrant_state::handle(const http_exchange_request& request) {
  const auto started = std::chrono::steady_clock::now();
  const std::string_view target = request.target;
  const std::size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query_text =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);

  if (!settings_.api_key.empty() && !auth_whitelisted(path)) {
    std::string key;
    if (const auto it = request.headers.find("api-key"); it != request.headers.end()) {
      key = it->second;
    } else if (const auto auth = request.headers.find("authorization");
               auth != request.headers.end() && auth->second.rfind("Bearer ", 0) == 0) {
      key = auth->second.substr(7);
    } else {
      return text_response(401, "Must provide an API key or an Authorization bearer token");
    }
    if (key != settings_.api_key) return text_response(401, "Invalid API key or JWT");
  }

  const auto segments = path_segments(path);
  if (!segments) return no_route();
  const auto query = query_parameters(query_text);
  if (!query) {
    return qdrant_error_response(400, "Deserialize error in query parameters: invalid encoding",
                                 seconds_since(started));
  }
  std::lock_guard lock(mutex_);
  return route(request, *segments, *query, started);
}

http_exchange_response qdrant_state::route(const http_exchange_request& request,
                                           const std::vector<std::string>& segments,
                                           const std::map<std::string, std::string>& query,
                                           std::chrono::steady_clock::time_point started) {
  const std::string& method = request.method;
  const auto elapsed = [&] { return seconds_since(started); };
  for (const auto& segment : segments) {
    if (segment.empty()) return no_route();  // "//" or a trailing '/': actix matches nothing
  }

  if (segments.empty()) {
    if (method != "GET") return no_route();
    return json_response(200, json::object{{"title", "qdrant - vector search engine"},
                                           {"version", settings_.version},
                                           {"commit", settings_.commit}});
  }
  if (segments.size() == 1 && method == "GET") {
    if (segments[0] == "healthz" || segments[0] == "livez") {
      return text_response(200, "healthz check passed");
    }
    if (segments[0] == "readyz") return text_response(200, "all shards are ready");
  }
  if (segments[0] != "collections") return no_route();

  if (segments.size() == 1) {
    if (method != "GET") return no_route();
    json::array list;
    for (const auto& [name, c] : collections_)
      list.push_back(json::object{{"name", name}});
    return ok_response(json::object{{"collections", std::move(list)}}, elapsed());
  }

  const std::string& name = segments[1];
  if (segments.size() == 2) {
    if (method == "GET") {
      const auto it = collections_.find(name);
      if (it == collections_.end()) {
        return qdrant_error_response(404, collection_not_found(name), elapsed());
      }
      return ok_response(collection_info(it->second), elapsed());
    }
    if (method == "PUT") return create_collection_request(name, request, elapsed());
    if (method == "DELETE") return ok_response(collections_.erase(name) > 0, elapsed());
    return no_route();
  }
  if (segments.size() == 3 && segments[2] == "exists" && method == "GET") {
    return ok_response(json::object{{"exists", collections_.count(name) > 0}}, elapsed());
  }
  if (segments.size() == 3 && segments[2] == "index" && method == "PUT") {
    return create_index_request(name, request, query, elapsed());
  }
  if (segments.size() == 4 && segments[2] == "index" && method == "DELETE") {
    return delete_index_request(name, segments[3], query, elapsed());
  }
  return no_route();
}

http_exchange_response qdrant_state::create_collection_request(const std::string& name,
                                                               const http_exchange_request& request,
                                                               double elapsed) {
  auto body = json_body(request, elapsed);
  if (auto* error = std::get_if<http_exchange_response>(&body)) return *error;
  auto& value = std::get<json::value>(body);
  if (!value.is_object()) {
    return qdrant_error_response(
        400, "Format error in JSON body: invalid type: expected struct CreateCollection", elapsed);
  }
  if (collections_.count(name) > 0) {
    return qdrant_error_response(400, "Wrong input: Collection `" + name + "` already exists!",
                                 elapsed);
  }
  collections_.emplace(name, make_collection(std::move(value.get_object())));
  return ok_response(true, elapsed);
}

http_exchange_response qdrant_state::create_index_request(
    const std::string& name, const http_exchange_request& request,
    const std::map<std::string, std::string>& query, double elapsed) {
  // Extractors first (JSON body, then query), as actix runs them before the handler.
  auto body = json_body(request, elapsed);
  if (auto* error = std::get_if<http_exchange_response>(&body)) return *error;
  const auto& value = std::get<json::value>(body);
  if (!value.is_object()) {
    return qdrant_error_response(
        400, "Format error in JSON body: invalid type: expected struct CreateFieldIndex", elapsed);
  }
  const auto& obj = value.get_object();
  const auto* field_name = obj.if_contains("field_name");
  if (field_name == nullptr) {
    return qdrant_error_response(400, "Format error in JSON body: missing field `field_name`",
                                 elapsed);
  }
  if (!field_name->is_string()) {
    return qdrant_error_response(
        400, "Format error in JSON body: invalid type: expected a string for `field_name`",
        elapsed);
  }
  const std::string field(field_name->get_string());
  if (check_qdrant_json_path(field)) {
    return qdrant_error_response(
        400, "Format error in JSON body: Invalid json path: '" + field + "'", elapsed);
  }
  // serde alias: `field_type` is accepted for `field_schema`; both at once is a duplicate.
  const auto* schema_value = obj.if_contains("field_schema");
  const auto* alias_value = obj.if_contains("field_type");
  if (schema_value != nullptr && alias_value != nullptr) {
    return qdrant_error_response(400, "Format error in JSON body: duplicate field `field_schema`",
                                 elapsed);
  }
  if (schema_value == nullptr) schema_value = alias_value;
  std::optional<parsed_field_schema> schema;
  if (schema_value != nullptr && !schema_value->is_null()) {
    auto parsed = parse_field_schema(*schema_value);
    if (auto* error = std::get_if<field_schema_error>(&parsed)) {
      return qdrant_error_response(error->status, error->message, elapsed);
    }
    schema = std::get<parsed_field_schema>(std::move(parsed));
  }
  auto params = parse_update_params(query, elapsed);
  if (auto* error = std::get_if<http_exchange_response>(&params)) return *error;
  const bool wait = std::get<update_params>(params).wait;

  const auto it = collections_.find(name);
  if (it == collections_.end())
    return qdrant_error_response(404, collection_not_found(name), elapsed);
  collection_state& c = it->second;
  // Strict mode counts existing indexes before looking at the request: at the cap even an
  // identical re-send is refused.
  if (c.max_payload_index_count && c.indexes.size() >= *c.max_payload_index_count) {
    return qdrant_error_response(
        400,
        "Bad request: Collection already has the maximum number of payload indices (" +
            std::to_string(*c.max_payload_index_count) +
            ") Help: Please delete an existing index before creating a new one.",
        elapsed);
  }
  if (!schema) {
    return qdrant_error_response(400,
                                 "Bad request: Can't auto-detect field type, please specify "
                                 "`field_schema` in the request",
                                 elapsed);
  }

  if (hold_index_builds_ || (hold_async_indexes_ && !wait)) {
    c.pending.push_back({field, std::move(*schema)});
    return ok_response(update_result(wait, false), elapsed);
  }
  apply_index(c, field, std::move(*schema));
  return ok_response(update_result(wait), elapsed);
}

void qdrant_state::apply_index(collection_state& c, const std::string& field,
                               parsed_field_schema schema) {
  const auto it = c.indexes.find(field);
  if (it == c.indexes.end()) {
    c.indexes.emplace(field, payload_index{std::move(schema), std::nullopt});
    ++index_builds_;
  } else if (!(it->second.schema == schema)) {
    it->second.schema = std::move(schema);  // Qdrant drops and rebuilds the index
    ++index_builds_;
  }
}

json::object qdrant_state::update_result(bool wait, bool finished) {
  const char* real = !wait ? "acknowledged" : finished ? "completed" : "wait_timeout";
  return json::object{{"operation_id", next_operation_id_++},
                      {"status", index_operation_status_.value_or(real)}};
}

http_exchange_response qdrant_state::delete_index_request(
    const std::string& name, const std::string& field,
    const std::map<std::string, std::string>& query, double elapsed) {
  if (check_qdrant_json_path(field)) {
    return qdrant_error_response(
        400, "Deserialize error in path parameters: Invalid json path: '" + field + "'", elapsed);
  }
  auto params = parse_update_params(query, elapsed);
  if (auto* error = std::get_if<http_exchange_response>(&params)) return *error;
  const bool wait = std::get<update_params>(params).wait;
  const auto it = collections_.find(name);
  if (it == collections_.end())
    return qdrant_error_response(404, collection_not_found(name), elapsed);
  collection_state& c = it->second;
  // Qdrant drops the index if there is one and succeeds either way.
  c.indexes.erase(field);
  std::erase_if(c.pending, [&](const pending_index& p) { return p.field == field; });
  return ok_response(update_result(wait), elapsed);
}

qdrant_state::collection_state qdrant_state::make_collection(json::object create_request) const {
  collection_state c;
  c.max_payload_index_count = settings_.default_max_payload_index_count;
  if (const auto* strict = create_request.if_contains("strict_mode_config");
      strict != nullptr && strict->is_object()) {
    const auto& s = strict->get_object();
    const auto* enabled = s.if_contains("enabled");
    const auto* max_count = s.if_contains("max_payload_index_count");
    if (enabled != nullptr && enabled->is_bool() && enabled->get_bool() && max_count != nullptr &&
        (max_count->is_uint64() || (max_count->is_int64() && max_count->get_int64() >= 0))) {
      c.max_payload_index_count = static_cast<std::size_t>(
          max_count->is_uint64() ? max_count->get_uint64()
                                 : static_cast<std::uint64_t>(max_count->get_int64()));
    } else {
      c.max_payload_index_count.reset();
    }
  }
  c.create_request = std::move(create_request);
  return c;
}

json::object qdrant_state::payload_schema_of(const collection_state& c) const {
  json::object schema;
  for (const auto& [field, index] : c.indexes) {
    json::object info;
    info["data_type"] = index.schema.data_type;
    if (index.schema.object_form) info["params"] = index.schema.normalized;
    info["points"] = index.points.value_or(c.points_count);
    schema[field] = std::move(info);
  }
  return schema;
}

json::object qdrant_state::collection_info(const collection_state& c) const {
  json::value vectors = json::object{};
  if (const auto* v = c.create_request.if_contains("vectors")) vectors = *v;
  json::object strict{{"enabled", c.max_payload_index_count.has_value()}};
  if (c.max_payload_index_count) strict["max_payload_index_count"] = *c.max_payload_index_count;
  const std::string status = c.status_override.value_or(c.pending.empty() ? "green" : "yellow");
  return json::object{
      {"status", status},
      {"optimizer_status", "ok"},
      {"indexed_vectors_count", 0},
      {"points_count", c.points_count},
      {"segments_count", 2},
      {"config",
       json::object{{"params", json::object{{"vectors", std::move(vectors)},
                                            {"shard_number", 1},
                                            {"replication_factor", 1},
                                            {"write_consistency_factor", 1},
                                            {"on_disk_payload", true}}},
                    {"hnsw_config", json::object{{"m", 16},
                                                 {"ef_construct", 100},
                                                 {"full_scan_threshold", 10000},
                                                 {"max_indexing_threads", 0},
                                                 {"on_disk", false}}},
                    {"optimizer_config", json::object{{"deleted_threshold", 0.2},
                                                      {"vacuum_min_vector_number", 1000},
                                                      {"default_segment_number", 0},
                                                      {"max_segment_size", nullptr},
                                                      {"memmap_threshold", nullptr},
                                                      {"indexing_threshold", 10000},
                                                      {"flush_interval_sec", 5},
                                                      {"max_optimization_threads", nullptr}}},
                    {"wal_config", json::object{{"wal_capacity_mb", 32},
                                                {"wal_segments_ahead", 0},
                                                {"wal_retain_closed", 1}}},
                    {"quantization_config", nullptr},
                    {"strict_mode_config", std::move(strict)}}},
      {"payload_schema", payload_schema_of(c)},
      {"update_queue", json::object{{"length", 0}}}};
}

qdrant_state::collection_state& qdrant_state::existing(const std::string& name) {
  const auto it = collections_.find(name);
  if (it == collections_.end()) throw std::out_of_range("fake qdrant: no collection " + name);
  return it->second;
}

const qdrant_state::collection_state& qdrant_state::existing(const std::string& name) const {
  const auto it = collections_.find(name);
  if (it == collections_.end()) throw std::out_of_range("fake qdrant: no collection " + name);
  return it->second;
}

void qdrant_state::create_collection(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (collections_.count(name) > 0) return;
  collections_.emplace(name, make_collection(json::object{
                                 {"vectors", json::object{{"size", 4}, {"distance", "Cosine"}}}}));
}

bool qdrant_state::has_collection(const std::string& name) const {
  std::lock_guard lock(mutex_);
  return collections_.count(name) > 0;
}

void qdrant_state::delete_collection(const std::string& name) {
  std::lock_guard lock(mutex_);
  collections_.erase(name);
}

std::vector<std::string> qdrant_state::collection_names() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> names;
  for (const auto& [name, c] : collections_)
    names.push_back(name);
  return names;
}

void qdrant_state::set_points_count(const std::string& collection, std::uint64_t points) {
  std::lock_guard lock(mutex_);
  existing(collection).points_count = points;
}

void qdrant_state::set_index_points(const std::string& collection, const std::string& field,
                                    std::uint64_t points) {
  std::lock_guard lock(mutex_);
  auto& c = existing(collection);
  const auto it = c.indexes.find(field);
  if (it == c.indexes.end()) {
    throw std::out_of_range("fake qdrant: no index " + field + " in " + collection);
  }
  it->second.points = points;
}

void qdrant_state::set_max_payload_index_count(const std::string& collection,
                                               std::optional<std::size_t> max_count) {
  std::lock_guard lock(mutex_);
  existing(collection).max_payload_index_count = max_count;
}

void qdrant_state::set_collection_status(const std::string& collection,
                                         std::optional<std::string> status) {
  std::lock_guard lock(mutex_);
  existing(collection).status_override = std::move(status);
}

void qdrant_state::create_index(const std::string& collection, const std::string& field,
                                const json::value& field_schema) {
  auto parsed = parse_field_schema(field_schema);
  if (auto* error = std::get_if<field_schema_error>(&parsed)) {
    throw std::invalid_argument("fake qdrant: bad field_schema for " + field + ": " +
                                error->message);
  }
  std::lock_guard lock(mutex_);
  existing(collection).indexes[field] =
      payload_index{std::get<parsed_field_schema>(std::move(parsed)), std::nullopt};
}

json::object qdrant_state::payload_schema(const std::string& collection) const {
  std::lock_guard lock(mutex_);
  return payload_schema_of(existing(collection));
}

std::vector<std::string> qdrant_state::index_fields(const std::string& collection) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> fields;
  for (const auto& [field, index] : existing(collection).indexes)
    fields.push_back(field);
  return fields;
}

std::uint64_t qdrant_state::index_builds() const {
  std::lock_guard lock(mutex_);
  return index_builds_;
}

void qdrant_state::set_hold_async_indexes(bool hold) {
  std::lock_guard lock(mutex_);
  hold_async_indexes_ = hold;
}

std::size_t qdrant_state::release_pending_indexes() {
  std::lock_guard lock(mutex_);
  std::size_t released = 0;
  for (auto& [name, c] : collections_) {
    for (auto& p : c.pending) {
      apply_index(c, p.field, std::move(p.schema));
      ++released;
    }
    c.pending.clear();
  }
  return released;
}

void qdrant_state::set_hold_index_builds(bool hold) {
  std::lock_guard lock(mutex_);
  hold_index_builds_ = hold;
}

void qdrant_state::set_index_operation_status(std::optional<std::string> status) {
  std::lock_guard lock(mutex_);
  index_operation_status_ = std::move(status);
}

}  // namespace index_optimizer::testing::fake
