#pragma once

#include <string_view>

namespace index_optimizer {

// The daemon's OpenAPI 3.1 document (docs/openapi.json): the namespace routes, /healthz,
// /readyz, /metrics and /openapi.json. Each operation's `x-required-permission` is the permission
// its route requires; a unit test checks the paths, methods and permissions against the router.
std::string_view openapi_document() noexcept;

}  // namespace index_optimizer
