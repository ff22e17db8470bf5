#include "optimizer/optimizer_routes.hpp"

#include <boost/json/parse.hpp>

#include <array>

#include "http/list_page.hpp"
#include "namespace_model/json_checks.hpp"
#include "namespace_model/namespace_list.hpp"
#include "namespace_model/namespace_requests.hpp"
#include "ops/logger.hpp"
#include "optimizer/run_record.hpp"

namespace index_optimizer {
namespace {

namespace jc = json_checks;
using boost::beast::http::verb;
using http::api_request;
using http::api_response;
using http::error_response;
using http::json_response;

const error_location k_body{std::string("body")};
constexpr std::array<std::string_view, 2> k_request_keys{"dry_run", "namespaces"};

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

api_response redis_unavailable(const redis_error& error) {
  log_warn("optimizer history unavailable", {{"error", error.message}});
  return http::with_retry_after(
      error_response(503, "The optimizer's history (Redis) is unavailable: " + error.message),
      std::chrono::seconds(1));
}

// A stored record as JSON, or nullopt when it does not parse (written by a broken client).
std::optional<boost::json::object> parse_record(const std::string& text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.get_object());
}

class optimizer_api {
 public:
  explicit optimizer_api(optimizer_service& service) : service_(service) {}

  api_response start(api_request& request) {
    auto parsed = parse_optimizer_run_request(request.raw.body());
    if (!parsed.ok()) return json_response(422, validation_error_envelope(parsed.errors()));
    auto& body = parsed.value();
    if (!request.begin_effects()) {
      // http.request_timeout passed: the server answers 503 itself; no run is started.
      return error_response(503, "http.request_timeout passed; no run was started");
    }
    const auto result = service_.trigger(body.dry_run, body.namespaces);
    switch (result.what) {
      case trigger_result::outcome::started: {
        boost::json::object out;
        out.emplace("success", true);
        out.emplace("run_id", result.run_id);
        out.emplace("status", "running");
        out.emplace("leader", service_.instance_id());
        out.emplace("mode", service_.catalog_only() ? "catalog_only" : "qdrant");
        out.emplace("message",
                    "Optimizer run started; follow it at /v1/optimizer/runs/" + result.run_id);
        auto response = json_response(202, out);
        response.headers.emplace_back("Location", "/v1/optimizer/runs/" + result.run_id);
        return response;
      }
      case trigger_result::outcome::busy: {
        boost::json::object details{{"resource", "optimizer_run"}};
        if (!result.run_id.empty()) {
          details.emplace("run_id", result.run_id);
        } else {
          details.emplace("run_id", nullptr);
        }
        return error_response(409, result.message, std::move(details));
      }
      case trigger_result::outcome::unavailable:
        break;
    }
    return http::with_retry_after(
        error_response(503, "The optimizer cannot start a run: " + result.message),
        std::chrono::seconds(1));
  }

  api_response list(api_request& request) {
    auto page = parse_list_page(request.query);
    if (!page.ok()) return json_response(422, validation_error_envelope(page.errors()));
    const auto& p = page.value();
    auto runs = service_.history(p.offset, p.limit);
    if (!runs) return redis_unavailable(runs.error());
    boost::json::array results;
    for (const auto& text : runs.value().records) {
      if (auto record = parse_record(text)) results.emplace_back(run_summary(std::move(*record)));
    }
    pagination_response pagination;
    pagination.total = runs.value().total;
    pagination.page_size = p.limit;
    pagination.page = p.offset / p.limit + 1;
    pagination.total_pages = (runs.value().total + p.limit - 1) / p.limit;
    if (p.offset + p.limit < runs.value().total) {
      pagination.next_cursor = encode_list_cursor(p.offset + p.limit);
    }
    boost::json::object out;
    out.emplace("results", std::move(results));
    out.emplace("pagination", to_json(pagination));
    out.emplace("total_count", runs.value().total);
    return json_response(200, out);
  }

  api_response get(api_request& request) {
    const std::string& run_id = request.path_params.at("run_id");
    auto text = service_.history_entry(run_id);
    if (!text) return redis_unavailable(text.error());
    if (!text.value()) {
      return error_response(404, "Optimizer run not found",
                            {{"resource", "optimizer_run"}, {"id", run_id}});
    }
    auto record = parse_record(*text.value());
    if (!record) return error_response(500, "The stored optimizer run could not be read");
    return json_response(200, *record);
  }

 private:
  optimizer_service& service_;
};

}  // namespace

validation_result<optimizer_run_request> parse_optimizer_run_request(std::string_view body) {
  optimizer_run_request request;
  if (blank(body)) return request;
  auto parsed = parse_json_body(body);
  if (!parsed.ok()) return parsed.errors();
  jc::errors out;
  const auto* o = jc::as_model(parsed.value(), k_body, out);
  if (o == nullptr) return out;
  jc::reject_unknown_keys(*o, k_request_keys, k_body, out);
  if (const auto* dry_run = jc::non_null(*o, "dry_run")) {
    request.dry_run = jc::as_bool(*dry_run, jc::at(k_body, "dry_run"), out);
  }
  if (const auto* namespaces = jc::non_null(*o, "namespaces")) {
    const auto location = jc::at(k_body, "namespaces");
    if (const auto* list = jc::as_list(*namespaces, location, out)) {
      if (list->empty()) {
        jc::add(out, "too_short", location,
                "List should have at least 1 item after validation, not 0");
      }
      std::vector<std::string> names;
      for (std::size_t i = 0; i < list->size(); ++i) {
        if (auto name = jc::as_string((*list)[i], jc::at(location, static_cast<std::int64_t>(i)),
                                      out, 1, 255)) {
          names.push_back(std::move(*name));
        }
      }
      request.namespaces = std::move(names);
    }
  }
  if (!out.empty()) return out;
  return request;
}

void add_optimizer_routes(http::router& router, optimizer_service& service) {
  auto api = std::make_shared<optimizer_api>(service);
  router.add({verb::post, "/v1/optimizer/runs", permission::admin,
              [api](api_request& request) { return api->start(request); },
              http::execution::worker_pool, http::effects::gated});
  router.add({verb::get, "/v1/optimizer/runs", permission::read,
              [api](api_request& request) { return api->list(request); }});
  router.add({verb::get, "/v1/optimizer/runs/{run_id}", permission::read,
              [api](api_request& request) { return api->get(request); }});
}

}  // namespace index_optimizer
