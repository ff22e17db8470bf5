#include "ops/exposition.hpp"

#include <prometheus/text_serializer.h>

#include <sstream>

namespace index_optimizer {

std::string render_prometheus_text(
    const std::vector<std::shared_ptr<const prometheus::Collectable>>& collectables) {
  std::vector<prometheus::MetricFamily> families;
  for (const auto& c : collectables) {
    auto collected = c->Collect();
    families.insert(families.end(), std::make_move_iterator(collected.begin()),
                    std::make_move_iterator(collected.end()));
  }
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
}

}  // namespace index_optimizer
