#pragma once

#include <prometheus/registry.h>

#include <map>
#include <string>

namespace index_optimizer::testing {

// Sums, over every metric of family `name` carrying at least `labels`, its counter and gauge
// value plus its histogram sample count (a family has only one of the three). 0 when none.
double metric_sum(const prometheus::Registry& registry, const std::string& name,
                  const std::map<std::string, std::string>& labels = {});

}  // namespace index_optimizer::testing
