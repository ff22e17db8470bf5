#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/validation_error.hpp"
#include "http/router.hpp"
#include "optimizer/optimizer_service.hpp"

namespace index_optimizer {

// The body of POST /v1/optimizer/runs; every key optional, an empty body means all defaults.
struct optimizer_run_request {
  std::optional<bool> dry_run;  // null/absent: optimizer.dry_run
  // Namespace ids or names; null/absent: every namespace with auto_create_indexes.
  std::optional<std::vector<std::string>> namespaces;

  friend bool operator==(const optimizer_run_request&, const optimizer_run_request&) = default;
};

// Pure. Errors Pydantic-style at ["body", ...]: json_invalid, model_attributes_type, bool_type,
// list_type, string_type, too_short (an empty list), string_too_short, extra_forbidden.
validation_result<optimizer_run_request> parse_optimizer_run_request(std::string_view body);

// The optimizer routes (docs/optimizer.md § API); handlers run on the worker pool:
// - POST /v1/optimizer/runs (admin): 202 {"run_id", "status": "running", "dry_run", ...}; 409
//   AlreadyExistsError while a run is in progress (details.run_id names it); 503 when Redis is
//   unavailable.
// - GET /v1/optimizer/runs (read): the history, newest first, paged with limit/offset/cursor
//   like the namespace list: {"results": [run summaries], "pagination", "total_count"}.
// - GET /v1/optimizer/runs/{run_id} (read): the full record with every decision and its
//   evidence; 404 when unknown or past optimizer.history_retention.
// `service` must outlive the router.
void add_optimizer_routes(http::router& router, optimizer_service& service);

}  // namespace index_optimizer
