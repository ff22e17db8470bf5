#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/string_map.hpp"
#include "ingest/commit_script.hpp"
#include "ingest/ingest_metrics.hpp"

namespace index_optimizer {

// What an operator is told about a namespace whose field cap refused fields: since the previous
// warning about it, how many distinct new fields were refused and how many of their observations
// went to the overflow entry.
struct field_cap_warning {
  std::string namespace_id;
  std::int64_t fields = 0;  // in the registry at the latest commit
  std::int64_t refused_paths = 0;
  std::int64_t refused_observations = 0;

  bool operator==(const field_cap_warning&) const = default;
};

// Rate-limits the field-cap warning: a flood of new fields refuses some in every commit, and a
// line per commit would flood the log in turn. Pure; the consumer logs what it returns.
class field_cap_log_limiter {
 public:
  using clock = std::chrono::steady_clock;

  explicit field_cap_log_limiter(std::chrono::milliseconds interval = std::chrono::minutes(1))
      : interval_(interval) {}

  // Takes in a commit's reports. Returns the warnings due now: at most one per namespace per
  // interval (the first at once), each carrying every refusal since the previous one.
  std::vector<field_cap_warning> add(const std::vector<field_cap_report>& reports,
                                     clock::time_point now);

 private:
  struct pending {
    field_cap_warning warning;
    clock::time_point last_warned{};
    bool warned = false;
  };
  // Namespaces that refused fields; bounded by the operator's namespaces, and dropped wholesale
  // past k_max_tracked (the next warning of each then comes at once).
  static constexpr std::size_t k_max_tracked = 10000;

  std::chrono::milliseconds interval_;
  string_map<pending> namespaces_;
};

// Publishes a commit's field-cap reports: the overflow counter and the field gauge of each
// namespace reported (commits report namespaces at half their cap or more, and those that
// refused fields), and a warning line for each warning `limiter` lets through.
void report_field_caps(const std::vector<field_cap_report>& reports,
                       const stream_ingest_metrics& metrics, std::string_view stream,
                       std::int64_t max_fields, field_cap_log_limiter& limiter,
                       field_cap_log_limiter::clock::time_point now);

}  // namespace index_optimizer
