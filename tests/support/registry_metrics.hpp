#pragma once

#include <prometheus/registry.h>

#include <map>
#include <string>
#include <string_view>

namespace index_optimizer::testing {

// Sums, over every metric of family `name` carrying at least `labels`, its counter and gauge
// value plus its histogram sample count (a family has only one of the three). 0 when none.
double metric_sum(const prometheus::Registry& registry, const std::string& name,
                  const std::map<std::string, std::string>& labels = {});

// The same sum over a Prometheus text exposition (what a daemon's /metrics serves): samples named
// `name` (counters, gauges) or `name`_count (histograms) carrying at least `labels`.
double exposition_metric_sum(std::string_view exposition, const std::string& name,
                             const std::map<std::string, std::string>& labels = {});

}  // namespace index_optimizer::testing
