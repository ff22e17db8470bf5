#pragma once

#include <string_view>

namespace index_optimizer::http {

// Whether a Content-Type names JSON: `application/json` or any `application/<x>+json` (such as
// `application/merge-patch+json`), in any case, with or without parameters (`; charset=utf-8`).
// FastAPI, and so Mixpeek, reads a body as JSON only then or when the header is absent; any
// other type (text/plain, forms) makes the body a string, which fails the model with 422.
bool is_json_media_type(std::string_view content_type) noexcept;

}  // namespace index_optimizer::http
