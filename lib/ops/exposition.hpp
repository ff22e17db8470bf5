#pragma once

#include <prometheus/collectable.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace index_optimizer {

inline constexpr std::string_view k_prometheus_content_type = "text/plain; version=0.0.4";

// Serializes everything the collectables hold in the Prometheus text format (prometheus-cpp's
// TextSerializer); our own HTTP server serves the result at /metrics.
std::string render_prometheus_text(
    const std::vector<std::shared_ptr<const prometheus::Collectable>>& collectables);

}  // namespace index_optimizer
