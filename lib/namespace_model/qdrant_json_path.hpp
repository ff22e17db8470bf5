#pragma once

// Qdrant's grammar for payload field paths (its `JsonPath`), so that a path Qdrant cannot parse
// is refused with a 422 before any index change reaches Qdrant. Pure; the grammar and its source
// are in docs/namespace-model.md, "Field paths".
//
//   path   = key *( "." key / "[" index "]" / "[]" )
//   key    = raw / quoted
//   raw    = 1*( alphanumeric / "_" / "-" )      ; Rust's char::is_alphanumeric (Unicode)
//   quoted = DQUOTE *( any character but DQUOTE and "\" ) DQUOTE
//   index  = 1*DIGIT                             ; ASCII digits, at most 2^64 - 1 (usize)
//
// Examples: `a`, `metadata.brand`, `tags[]`, `items[].sku`, `a[0]`, `"a b".c`, `a."x/y"`.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace index_optimizer {

struct json_path_problem {
  std::size_t at;    // characters (code points) before the offending one
  std::string what;  // "'/' is not allowed in an unquoted key"
};

// Why Qdrant would refuse `path`, or nullopt when it parses. Invalid UTF-8 is refused (Qdrant's
// keys are Rust strings).
std::optional<json_path_problem> check_qdrant_json_path(std::string_view path);

// The grammar in one sentence, for messages that refuse a path.
extern const std::string_view k_qdrant_json_path_rule;

}  // namespace index_optimizer
