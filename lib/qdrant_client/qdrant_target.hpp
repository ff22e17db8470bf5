#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "config/endpoints.hpp"

namespace index_optimizer::qdrant {

// Percent-encodes one path segment: every byte outside RFC 3986's unreserved set
// (A-Z a-z 0-9 - . _ ~) becomes %XX. Field names are JSON paths (`a[].b`, `"x/y"`) and may hold
// any Unicode, so `[`, `]`, `/`, `%`, spaces and UTF-8 bytes must not reach the path raw: a `/`
// would split the segment and Qdrant would route the request elsewhere.
std::string encode_path_segment(std::string_view segment);

// Request targets (path + query) of the operations the client sends.
std::string collection_target(std::string_view collection);
// `wait=true` so the answer comes once the index exists; `timeout` (whole seconds, at least 1)
// bounds how long Qdrant waits before answering `wait_timeout`.
std::string create_index_target(std::string_view collection, std::chrono::seconds wait_timeout);
std::string delete_index_target(std::string_view collection, std::string_view field_name);

// The Host header for an endpoint: IPv6 literals in brackets, the port only when it is not the
// scheme's default.
std::string host_header(const qdrant_endpoint& endpoint);

// Whether `host` is an IPv4 or IPv6 literal (no SNI is sent for those, RFC 6066).
bool is_ip_literal(std::string_view host);

}  // namespace index_optimizer::qdrant
