#pragma once

#include <map>
#include <string>
#include <string_view>

namespace index_optimizer::testing {

// Sums the samples named exactly `name` (so `x_count` and `x_sum` are separate names) in
// Prometheus text exposition (what GET /metrics returns) whose labels include every one of
// `labels`. 0 when no sample matches. For tests that watch the real daemon's metrics.
double exposition_sum(std::string_view text, std::string_view name,
                      const std::map<std::string, std::string>& labels = {});

}  // namespace index_optimizer::testing
