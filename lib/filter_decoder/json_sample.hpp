#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace index_optimizer {

// Copies valid JSON text into `out` without insignificant whitespace, keeping at most `max_bytes`
// bytes (cut at a UTF-8 character boundary). Returns true when the copy was truncated, in which
// case `out` is no longer valid JSON. `out`'s capacity is reused.
bool compact_json_sample(std::string_view json, std::size_t max_bytes, std::string& out);

}  // namespace index_optimizer
