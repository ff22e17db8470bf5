#include "namespace_api/namespace_routes.hpp"

#include <boost/json/serialize.hpp>

#include <atomic>
#include <chrono>
#include <utility>

#include "base/expiring_cache.hpp"
#include "namespace_api/entity_tag.hpp"
#include "namespace_api/namespace_listing.hpp"
#include "namespace_api/openapi_document.hpp"
#include "namespace_model/namespace_id.hpp"
#include "namespace_model/namespace_list.hpp"
#include "namespace_model/namespace_requests.hpp"
#include "namespace_model/namespace_update.hpp"
#include "namespace_model/protected_indexes.hpp"
#include "ops/log_limiter.hpp"
#include "ops/logger.hpp"

namespace index_optimizer {
namespace {

using boost::beast::http::verb;
using http::api_request;
using http::api_response;
using http::error_response;
using http::json_response;

constexpr const char* k_identifier = "namespace_identifier";
// The longest a namespace answer waits for Qdrant's points_count (one attempt).
constexpr std::chrono::seconds k_document_count_wait{2};

api_response validation_failed(const std::vector<validation_error>& errors) {
  return json_response(422, validation_error_envelope(errors));
}

api_response not_found(std::string_view identifier) {
  return error_response(404, "Namespace not found",
                        {{"resource", "namespace"}, {"id", std::string(identifier)}});
}

api_response with_etag(api_response response, std::int64_t version) {
  response.headers.emplace_back("ETag", entity_tag(version));
  return response;
}

api_response retry_later(api_response response,
                         std::chrono::seconds after = std::chrono::seconds(1)) {
  return http::with_retry_after(std::move(response), after);
}

// What a handler returns when its effects gate is closed: the server answers the request with
// its own 503 (http.request_timeout) instead, this is never sent.
api_response too_late() {
  return retry_later(error_response(503, "http.request_timeout passed; nothing was changed"));
}

api_response registry_failure(const registry_error& error, std::string_view identifier) {
  switch (error.code) {
    case registry_errc::not_found:
      return not_found(identifier);
    case registry_errc::corrupt:
      log_error("stored namespace is corrupt", {{"error", error.message}});
      return error_response(500, "The stored namespace could not be read: " + error.message);
    case registry_errc::busy:
    case registry_errc::lock_lost:
      return retry_later(error_response(
          503,
          "Another change to namespace '" + std::string(identifier) + "' is in progress; retry",
          {{"resource", "namespace"}, {"id", std::string(identifier)}}));
    default:
      log_warn("namespace registry unavailable", {{"error", error.message}});
      return retry_later(
          error_response(503, "The namespace registry (Redis) is unavailable: " + error.message));
  }
}

// A write Qdrant did not fully apply: 504 when what stopped it is an operation Qdrant accepted but
// had not finished (it goes on building), else 502.
unsigned qdrant_failure_status(const std::vector<operation_report>& reports) {
  for (const auto& report : reports) {
    if (report.outcome == operation_outcome::pending) return 504;
    if (report.outcome == operation_outcome::failed ||
        report.outcome == operation_outcome::unknown) {
      return 502;
    }
  }
  return 502;
}

// PATCH/PUT/POST bodies: a rejection from the model rules.
api_response rejection_response(const change_rejection& rejection) {
  if (const auto* violation = std::get_if<protected_index_violation>(&rejection)) {
    return json_response(403, forbidden_envelope(*violation));
  }
  return validation_failed(std::get<std::vector<validation_error>>(rejection));
}

class namespace_api {
 public:
  explicit namespace_api(namespace_api_dependencies d)
      : d_(std::move(d)), document_counts_(d_.document_count_ttl) {}

  api_response get(api_request& request) {
    const auto& identifier = request.path_params.at(k_identifier);
    auto found = d_.registry->resolve(identifier);
    if (!found) return registry_failure(found.error(), identifier);
    return namespace_response(std::move(found).value());
  }

  api_response create(api_request& request) {
    auto body = parse_json_body(request.raw.body());
    if (!body.ok()) return validation_failed(body.errors());
    auto parsed = validate_create_namespace_request(body.value());
    if (!parsed.ok()) return validation_failed(parsed.errors());
    create_namespace_request create = std::move(parsed).value();
    apply_creation_defaults(body.value().as_object(), create);

    auto made = new_namespace(create, generate_namespace_id(), d_.clock(), d_.protected_indexes);
    if (auto* violation = std::get_if<protected_index_violation>(&made)) {
      return json_response(403, forbidden_envelope(*violation));
    }
    const auto& model = std::get<namespace_model>(made);
    auto result = d_.writer->create(model, request.gate.get());
    if (result.status == write_status::stored) {
      std::optional<std::int64_t> documents;
      if (result.collection_info && result.collection_info->points_count) {
        documents = static_cast<std::int64_t>(*result.collection_info->points_count);
      }
      log_info("namespace created", {{"namespace_id", result.model->namespace_id},
                                     {"namespace_name", result.model->namespace_name},
                                     {"caller", request.caller.key_name}});
      return namespace_response(std::move(*result.model), documents);
    }
    if (result.status == write_status::collection_missing) {
      return validation_failed(
          {{"value_error",
            {std::string("body"), std::string("infrastructure"), std::string("qdrant_collection")},
            "Value error, " + result.message}});
    }
    return write_failure(result, model.namespace_name);
  }

  api_response patch(api_request& request) {
    return parse_and_update(request, parse_patch_namespace_request, apply_patch);
  }

  api_response put(api_request& request) {
    return parse_and_update(request, parse_update_namespace_request, apply_put);
  }

  api_response remove(api_request& request) {
    const auto& identifier = request.path_params.at(k_identifier);
    auto found = d_.registry->resolve(identifier);
    if (!found) return registry_failure(found.error(), identifier);
    std::optional<std::int64_t> expected;
    if (auto early = check_if_match(request, found.value(), expected)) return std::move(*early);
    if (!request.begin_effects()) return too_late();
    auto removed = d_.registry->remove(found->namespace_id, expected);
    if (!removed) {
      if (removed.error().code == registry_errc::version_mismatch) {
        return precondition_failed(identifier, *removed.error().current_version);
      }
      return registry_failure(removed.error(), identifier);
    }
    log_info("namespace deleted", {{"namespace_id", found->namespace_id},
                                   {"namespace_name", found->namespace_name},
                                   {"caller", request.caller.key_name}});
    return json_response(
        200, {{"success", true},
              {"namespace_id", found->namespace_id},
              {"namespace_name", found->namespace_name},
              {"message", "Namespace deleted from the registry. Its Qdrant collection '" +
                              qdrant_collection_name(found.value()) +
                              "' and that collection's indexes were not changed."}});
  }

  api_response list_post(api_request& request) {
    std::vector<validation_error> errors;
    auto page = parse_list_page(request.query);
    if (!page.ok()) errors = page.errors();
    auto parsed = parse_list_namespaces_request(request.raw.body());
    if (!parsed.ok()) {
      errors.insert(errors.end(), parsed.errors().begin(), parsed.errors().end());
    }
    std::vector<namespace_filter> filters;
    if (parsed.ok() && parsed.value().filters) {
      auto f = parse_namespace_filters(*parsed.value().filters, parsed.value().case_sensitive);
      if (f.ok()) {
        filters = std::move(f).value();
      } else {
        errors.insert(errors.end(), f.errors().begin(), f.errors().end());
      }
    }
    if (!errors.empty()) return validation_failed(errors);
    return list(parsed.value(), filters, page.value());
  }

  api_response list_get(api_request& request) {
    auto page = parse_list_page(request.query);
    if (!page.ok()) return validation_failed(page.errors());
    list_namespaces_request list_request;
    if (const auto it = request.query.find("search"); it != request.query.end()) {
      list_request.search = it->second;
    }
    return list(list_request, {}, page.value());
  }

 private:
  static change_outcome to_change_outcome(namespace_update_result result) {
    if (auto* violation = std::get_if<protected_index_violation>(&result)) {
      return change_rejection(std::move(*violation));
    }
    return std::get<namespace_model>(std::move(result));
  }

  // Config defaults for what the create body left out (the parser cannot tell absent from
  // Mixpeek's default value).
  void apply_creation_defaults(const boost::json::object& body,
                               create_namespace_request& create) const {
    const auto* flag = body.if_contains("auto_create_indexes");
    if (flag == nullptr || flag->is_null()) {
      create.auto_create_indexes = d_.settings.default_auto_create_indexes;
    }
    if (create.infrastructure) {
      const auto* infra = body.if_contains("infrastructure");
      const auto* tier = infra != nullptr && infra->is_object()
                             ? infra->as_object().if_contains("compute_tier")
                             : nullptr;
      if (tier == nullptr || tier->is_null()) {
        for (std::size_t i = 0; i < k_compute_tier_names.size(); ++i) {
          if (k_compute_tier_names[i] == d_.settings.default_compute_tier) {
            create.infrastructure->tier = static_cast<compute_tier>(i);
          }
        }
      }
    }
  }

  // Parses If-Match against the namespace as just read. Returns a response to send at once
  // (400 malformed, 412 stale) or sets `expected` to the version the write must still find.
  std::optional<api_response> check_if_match(const api_request& request,
                                             const namespace_model& current,
                                             std::optional<std::int64_t>& expected) {
    const auto header = request.header("If-Match");
    if (!header) return std::nullopt;
    const auto condition = parse_if_match(*header);
    if (!condition) {
      return error_response(400,
                            "If-Match must be * or a list of entity tags such as \"3\" (the ETag "
                            "of a previous response)",
                            {{"header", "If-Match"}, {"value", std::string(*header)}});
    }
    if (!matches(*condition, current.version)) {
      return precondition_failed(request.path_params.at(k_identifier), current.version);
    }
    // `*` only requires that the namespace exists; a tag pins the version it named.
    if (std::holds_alternative<if_match_list>(*condition)) expected = current.version;
    return std::nullopt;
  }

  static api_response precondition_failed(std::string_view identifier, std::int64_t current) {
    return with_etag(
        error_response(412,
                       "Namespace '" + std::string(identifier) + "' has changed: its ETag is " +
                           entity_tag(current) +
                           ". GET it again, reapply your change and retry with the new ETag",
                       {{"resource", "namespace"},
                        {"id", std::string(identifier)},
                        {"current_etag", entity_tag(current)}}),
        current);
  }

  // PATCH and PUT: parse the body, then apply `apply(current, body, now)` through the writer.
  template <class Parse, class Apply>
  api_response parse_and_update(api_request& request, Parse parse, Apply apply) {
    auto parsed = parse(request.raw.body());
    if (!parsed.ok()) return validation_failed(parsed.errors());
    const auto now = d_.clock();
    return update(request,
                  [body = std::move(parsed).value(), now, apply](const namespace_model& ns) {
                    return to_change_outcome(apply(ns, body, now));
                  });
  }

  api_response update(api_request& request, namespace_change change) {
    const auto& identifier = request.path_params.at(k_identifier);
    auto found = d_.registry->resolve(identifier);
    if (!found) return registry_failure(found.error(), identifier);
    std::optional<std::int64_t> expected;
    if (auto early = check_if_match(request, found.value(), expected)) return std::move(*early);

    auto result = d_.writer->update(found->namespace_id, change, expected, &found.value(),
                                    request.gate.get());
    if (result.status == write_status::stored || result.status == write_status::unchanged) {
      if (result.status == write_status::stored) {
        log_info("namespace updated",
                 {{"namespace_id", result.model->namespace_id},
                  {"version", result.model->version},
                  {"index_operations", static_cast<std::int64_t>(result.reports.size())},
                  {"caller", request.caller.key_name}});
      }
      return namespace_response(std::move(*result.model));
    }
    return write_failure(result, identifier);
  }

  api_response write_failure(const namespace_write_result& result, std::string_view identifier) {
    switch (result.status) {
      case write_status::rejected:
        return rejection_response(*result.rejection);
      case write_status::not_found:
        return not_found(identifier);
      case write_status::version_mismatch:
        return precondition_failed(identifier, result.current_version.value_or(-1));
      case write_status::name_taken:
        return error_response(409, result.message,
                              {{"resource", "namespace"}, {"field", "namespace_name"}});
      case write_status::busy:
        return retry_later(error_response(
            503, result.message.empty() ? "Another change is in progress; retry" : result.message,
            {{"resource", "namespace"}, {"id", std::string(identifier)}}));
      case write_status::qdrant_failed: {
        boost::json::object details = to_json(result.reports);
        details["collection"] = result.collection;
        if (!result.restored.empty()) details["restored"] = to_json(result.restored);
        details["stored_version"] =
            result.model ? boost::json::value(result.model->version) : boost::json::value(nullptr);
        auto response = error_response(qdrant_failure_status(result.reports), result.message,
                                       std::move(details));
        return result.model ? with_etag(std::move(response), result.model->version) : response;
      }
      case write_status::corrupt:
        return error_response(500, "The stored namespace could not be read: " + result.message);
      case write_status::qdrant_unavailable:
        return retry_later(
            error_response(503, result.message,
                           {{"resource", "qdrant"}, {"collection", result.collection}}),
            result.retry_after.value_or(std::chrono::seconds(1)));
      case write_status::expired:
        return too_late();
      case write_status::collection_missing:
      case write_status::withdrawn:  // only callers with confirm hooks (the optimizer)
      case write_status::unavailable:
      case write_status::stored:
      case write_status::unchanged:
        break;
    }
    log_warn("namespace write failed", {{"namespace", std::string(identifier)},
                                        {"status", to_string(result.status)},
                                        {"error", result.message}});
    return retry_later(
        error_response(503, "The namespace registry (Redis) is unavailable: " + result.message));
  }

  struct counted_documents {
    std::optional<std::int64_t> count;
    bool qdrant_answered = false;  // false: unreachable or failing, so do not ask again now
  };

  // document_count from Qdrant's points_count (at most document_count_ttl old); null when
  // Qdrant is not configured or failed. A detail of the answer, so Qdrant gets one short attempt:
  // retrying a hanging Qdrant would hold a worker thread and run the request past
  // http.request_timeout.
  counted_documents document_count(const namespace_model& ns) {
    if (d_.qdrant == nullptr) return {};
    const auto collection = qdrant_collection_name(ns);
    if (auto remembered = document_counts_.find(collection)) return {*remembered, true};
    auto info = d_.qdrant->collection_info_once(collection, k_document_count_wait);
    if (!info) {
      const auto& error = info.error();
      // Refusals (circuit breaker, bulkhead) are logged by the client.
      if (!error.not_admitted()) {
        if (const auto held = document_count_log_.admit()) {
          log_warn("qdrant did not answer for the collection: document_count is null",
                   {{"namespace_id", ns.namespace_id},
                    {"collection", collection},
                    {"error", describe(error)},
                    {"suppressed", *held}});
        }
      }
      return {std::nullopt, error.what == qdrant_error::kind::http_status && error.status < 500};
    }
    std::optional<std::int64_t> count;
    if (info.value().points_count) count = static_cast<std::int64_t>(*info.value().points_count);
    document_counts_.store(collection, count);
    return {count, true};
  }

  api_response namespace_response(namespace_model model) {
    const auto count = document_count(model).count;
    return namespace_response(std::move(model), count);
  }

  static api_response namespace_response(namespace_model model,
                                         std::optional<std::int64_t> document_count) {
    model.document_count = document_count;
    const auto version = model.version;
    return with_etag(json_response(200, to_api_json(model)), version);
  }

  api_response list(const list_namespaces_request& request,
                    const std::vector<namespace_filter>& filters, const list_page& page) {
    auto all = d_.registry->list();
    if (!all) return registry_failure(all.error(), "");
    auto selection = select_namespaces(std::move(all).value(), request, filters, page);
    // One Qdrant call per listed namespace; once Qdrant fails to answer, the rest stay null
    // rather than each wait out a timeout.
    for (auto& ns : selection.page) {
      const auto counted = document_count(ns);
      ns.document_count = counted.count;
      if (!counted.qdrant_answered) break;
    }
    const auto stats = compute_list_stats(selection.page);
    return json_response(200, list_namespaces_response_json(selection.page, selection.pagination,
                                                            selection.total, stats));
  }

  namespace_api_dependencies d_;
  // Qdrant's points_count by collection (nullopt: Qdrant reported none). Only answers are
  // stored: while Qdrant fails every response asks again, so a recovered Qdrant shows at once.
  expiring_cache<std::optional<std::int64_t>> document_counts_;
  // While Qdrant fails, every namespace response would log it.
  log_limiter document_count_log_{std::chrono::seconds(10)};
};

}  // namespace

void add_namespace_routes(http::router& router, namespace_api_dependencies dependencies) {
  if (dependencies.qdrant == nullptr) {
    log_warn(
        "qdrant not configured (catalog-only): namespace document_count is null and index "
        "changes are only recorded in the registry");
  }
  auto api = std::make_shared<namespace_api>(std::move(dependencies));
  const std::string one = "/v1/namespaces/{namespace_identifier}";
  router.add({verb::get, one, permission::read, [api](api_request& r) { return api->get(r); }});
  // The writes call begin_effects() (through the writer) before their first change.
  constexpr auto pool = http::execution::worker_pool;
  constexpr auto gated = http::effects::gated;
  router.add({verb::patch, one, permission::write, [api](api_request& r) { return api->patch(r); },
              pool, gated});
  router.add({verb::put, one, permission::write, [api](api_request& r) { return api->put(r); },
              pool, gated});
  router.add({verb::delete_, one, permission::admin,
              [api](api_request& r) { return api->remove(r); }, pool, gated});
  router.add({verb::post, "/v1/namespaces", permission::write,
              [api](api_request& r) { return api->create(r); }, pool, gated});
  router.add({verb::get, "/v1/namespaces", permission::read,
              [api](api_request& r) { return api->list_get(r); }});
  router.add({verb::post, "/v1/namespaces/list", permission::read,
              [api](api_request& r) { return api->list_post(r); }, pool, http::effects::none});
}

void add_openapi_route(http::router& router) {
  router.add({verb::get, "/openapi.json", std::nullopt,
              [](api_request&) {
                api_response response;
                response.body = std::string(openapi_document());
                return response;
              },
              http::execution::inline_io});
}

std::shared_ptr<namespace_writer> add_namespace_api(http::router& router, redis_pool& redis,
                                                    qdrant_gateway* qdrant, const config& cfg,
                                                    namespace_deleted_hook on_namespace_deleted,
                                                    std::chrono::milliseconds document_count_ttl) {
  auto registry = std::make_shared<namespace_registry>(redis, namespace_registry_options_from(cfg),
                                                       std::move(on_namespace_deleted));
  auto writer =
      std::make_shared<namespace_writer>(registry, qdrant, namespace_writer_options_from(cfg));

  namespace_api_dependencies dependencies;
  dependencies.registry = registry;
  dependencies.writer = writer;
  dependencies.qdrant = qdrant;
  dependencies.settings = cfg.namespaces;
  dependencies.document_count_ttl = document_count_ttl;
  add_namespace_routes(router, std::move(dependencies));
  add_openapi_route(router);
  return writer;
}

}  // namespace index_optimizer
