#pragma once

#include <vector>

#include "optimizer_plan/field_evidence.hpp"
#include "window_store/window_stats.hpp"

namespace index_optimizer {

// The planner's view of a field from the window store's counts: type votes by type (slots with
// no votes left out), the set of condition kinds used, latency average and p95 when events
// carried latency_ms.
field_evidence to_field_evidence(const field_window_stats& stats);

// Every field of a namespace's window, in the window's order.
std::vector<field_evidence> to_field_evidence(const namespace_window_stats& stats);

}  // namespace index_optimizer
