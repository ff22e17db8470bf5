// Fuzz target: a request body through the namespace routes' validators (create, PATCH, PUT,
// list) and then through the model changes their handlers make, without Redis or Qdrant.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/validation_error.hpp"
#include "fuzz_entry_points.hpp"
#include "namespace_api/namespace_listing.hpp"
#include "namespace_model/namespace_model.hpp"
#include "namespace_model/namespace_requests.hpp"
#include "namespace_model/namespace_update.hpp"
#include "namespace_model/protected_indexes.hpp"

namespace index_optimizer::fuzz {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::system_clock;

const clock_type::time_point k_now = clock_type::time_point(1718000000s);
const clock_type::time_point k_later = k_now + 1h;

// A stored namespace to PATCH and PUT: protected indexes and two user indexes, one of them
// auto-created.
constexpr std::string_view k_base_create = R"({
  "namespace_name": "fuzz_base", "description": "base",
  "feature_extractors": [{"feature_extractor_name": "text_extractor", "version": "v1"}],
  "payload_indexes": [
    {"field_name": "metadata.title", "type": "text",
     "field_schema": {"type": "text", "tokenizer": "word", "lowercase": true}},
    {"field_name": "metadata.brand", "type": "keyword"}],
  "auto_create_indexes": true,
  "infrastructure": {"qdrant_collection": "fuzz_collection", "qdrant_api_key": "secret"}
})";

namespace_model model_of(namespace_update_result result) {
  require(std::holds_alternative<namespace_model>(result), "the base namespace is rejected");
  return std::get<namespace_model>(std::move(result));
}

const namespace_model& base_model() {
  static const namespace_model base = [] {
    auto request = parse_create_namespace_request(k_base_create);
    require(request.ok(), "the base create request is rejected");
    auto model = model_of(
        new_namespace(request.value(), "ns_fuzzbase01", k_now - 24h, default_protected_indexes()));
    model.payload_indexes.back().auto_created = auto_created_info{k_now - 1h, 150};
    model.version = 7;
    return model;
  }();
  return base;
}

// Text every client can read back: Boost.JSON writes string bytes as they are, so an error
// message that echoed invalid UTF-8 would make the whole answer invalid JSON.
void require_valid_json(const boost::json::value& value, std::string_view what) {
  const std::string text = boost::json::serialize(value);
  boost::system::error_code error;
  const auto reparsed = boost::json::parse(text, error);
  require(!error, std::string(what) + " does not serialise to valid JSON");
  require(reparsed == value, std::string(what) + " changes when serialised and parsed back");
}

void check_errors(const std::vector<validation_error>& errors) {
  require(!errors.empty(), "a rejected body without errors");
  for (const auto& error : errors) {
    require(!error.type.empty() && !error.message.empty(), "an error without type or message");
    require(!error.location.empty() &&
                error.location.front() == error_location::value_type(std::string("body")),
            "an error location outside the body");
  }
  require_valid_json(validation_error_envelope(errors), "the 422 envelope");
}

// A validated request, sent again as the client would, validates to the same request.
template <class Request, class Parse>
void check_round_trip(const Request& request, Parse parse) {
  const std::string again = boost::json::serialize(to_json(request));
  const auto reparsed = parse(again);
  require(reparsed.ok(), "a validated request re-serialised is rejected: " + again);
  require(reparsed.value() == request, "a validated request re-serialised changes: " + again);
}

void check_model(const namespace_model& model) {
  require_valid_json(to_api_json(model), "the API form of the model");
  const auto stored = to_storage_json(model);
  require_valid_json(stored, "the storage form of the model");
  const auto loaded = namespace_model_from_json(stored);
  require(loaded.ok(), "the stored form of a model does not load");
  require(loaded.value() == model, "the stored form of a model loads differently");
  require(!qdrant_collection_name(model).empty(), "empty Qdrant collection name");
  for (const auto& index : model.payload_indexes) {
    require_valid_json(qdrant_field_schema(index), "a Qdrant field schema");
  }
}

void check_change(const namespace_model& before, const namespace_update_result& result) {
  if (const auto* violation = std::get_if<protected_index_violation>(&result)) {
    require(!violation->field_name.empty() && !violation->reason.empty(),
            "a protected-index violation without field or reason");
    require_valid_json(forbidden_envelope(*violation), "the 403 envelope");
    return;
  }
  const auto& after = std::get<namespace_model>(result);
  check_model(after);
  require(after.namespace_id == before.namespace_id && after.version == before.version &&
              after.created_at == before.created_at,
          "an update changed the id, version or creation time");
  for (const auto& index : before.payload_indexes) {
    if (!is_protected_index(index)) continue;
    require(find_index(after, index.field_name) != nullptr &&
                *find_index(after, index.field_name) == index,
            "an update changed or dropped a protected index");
  }
  const auto diff = diff_indexes(before.payload_indexes, after.payload_indexes);
  for (const auto& index : diff.to_delete) {
    require(!is_protected_index(index), "an update deletes a protected index");
  }
  require(diff_indexes(after.payload_indexes, after.payload_indexes).empty(),
          "a list differs from itself");
}

void create(std::string_view body) {
  const auto parsed = parse_create_namespace_request(body);
  if (!parsed.ok()) return check_errors(parsed.errors());
  check_round_trip(parsed.value(), parse_create_namespace_request);
  const auto made =
      new_namespace(parsed.value(), "ns_fuzz0000001", k_now, default_protected_indexes());
  if (const auto* model = std::get_if<namespace_model>(&made)) {
    check_model(*model);
  } else {
    check_change(namespace_model{}, made);
  }
}

// PATCH and PUT: the change holds its invariants, and repeating it changes nothing (the
// handlers rely on that for the `unchanged` answer and idempotent retries).
template <class Parse, class Apply>
void update(std::string_view body, Parse parse, Apply apply) {
  const auto parsed = parse(body);
  if (!parsed.ok()) return check_errors(parsed.errors());
  check_round_trip(parsed.value(), parse);
  const auto& base = base_model();
  const auto once = apply(base, parsed.value(), k_now);
  check_change(base, once);
  if (const auto* model = std::get_if<namespace_model>(&once)) {
    const auto twice = apply(*model, parsed.value(), k_later);
    require(std::holds_alternative<namespace_model>(twice) &&
                std::get<namespace_model>(twice) == *model,
            "repeating an update changes the namespace again");
  }
}

void list(std::string_view body) {
  const auto parsed = parse_list_namespaces_request(body);
  if (!parsed.ok()) return check_errors(parsed.errors());
  check_round_trip(parsed.value(), parse_list_namespaces_request);
  std::vector<namespace_filter> filters;
  if (parsed.value().filters) {
    auto f = parse_namespace_filters(*parsed.value().filters, parsed.value().case_sensitive);
    if (!f.ok()) return check_errors(f.errors());
    filters = std::move(f).value();
  }
  const auto& base = base_model();
  auto other = base;
  other.namespace_id = "ns_fuzzother1";
  other.namespace_name = "Other";
  other.description.reset();
  other.created_at = k_now;
  for (const list_page page : {list_page{}, list_page{1, 1, true}}) {
    const auto selection = select_namespaces({base, other, base}, parsed.value(), filters, page);
    require(selection.total >= 0 && selection.total <= 3, "more matches than namespaces");
    require(static_cast<std::int64_t>(selection.page.size()) <= page.limit,
            "a page longer than its limit");
  }
}

}  // namespace

void namespace_request(input data) {
  const auto body = as_text(data);
  create(body);
  update(body, parse_patch_namespace_request, apply_patch);
  update(body, parse_update_namespace_request, apply_put);
  list(body);
}

}  // namespace index_optimizer::fuzz

INDEX_OPTIMIZER_FUZZ_TARGET(namespace_request)
