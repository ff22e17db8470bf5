#pragma once

#include <string>
#include <string_view>

namespace index_optimizer {

// The Lua helpers every window script starts with (merging a delta into a hash, subtracting a
// bucket from totals, the server clock, window edges), so the commit script
// (ingest/commit_script.cpp) and the maintenance scripts (window_store.cpp) share one definition
// of how window hashes change. Returns the helpers followed by `body`.
std::string window_script_source(std::string_view body);

}  // namespace index_optimizer
