#include "support/registry_metrics.hpp"

#include <algorithm>

namespace index_optimizer::testing {

double metric_sum(const prometheus::Registry& registry, const std::string& name,
                  const std::map<std::string, std::string>& labels) {
  double sum = 0;
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) {
      const bool match = std::all_of(labels.begin(), labels.end(), [&](const auto& wanted) {
        return std::any_of(m.label.begin(), m.label.end(), [&](const auto& l) {
          return l.name == wanted.first && l.value == wanted.second;
        });
      });
      if (!match) continue;
      sum += m.counter.value + m.gauge.value + static_cast<double>(m.histogram.sample_count);
    }
  }
  return sum;
}

}  // namespace index_optimizer::testing
