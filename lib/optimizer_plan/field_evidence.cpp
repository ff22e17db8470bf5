#include "optimizer_plan/field_evidence.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "text/rfc3339_time.hpp"

namespace index_optimizer {
namespace {

boost::json::value time_or_null(std::int64_t unix_ms) {
  if (unix_ms <= 0) return nullptr;
  return boost::json::value(format_rfc3339(std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::milliseconds(unix_ms)))));
}

boost::json::value optional_number(const std::optional<double>& number) {
  if (!number) return nullptr;
  return *number;
}

// The sample as JSON so the history shows it as the filter it was; a cut sample is not JSON
// any more and stays text.
boost::json::value sample_value(const std::string& sample) {
  if (sample.empty()) return nullptr;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(sample, ec);
  if (ec) return boost::json::value(sample);
  return parsed;
}

}  // namespace

boost::json::object to_json(const field_evidence& evidence) {
  boost::json::object votes;
  for (const auto& [type, count] : evidence.type_votes)
    votes.emplace(to_string(type), count);
  boost::json::array kinds;
  for (const auto kind : k_all_condition_kinds) {
    if (has_kind(evidence.kinds, kind)) kinds.emplace_back(to_string(kind));
  }
  boost::json::object out;
  out.emplace("count", evidence.count);
  out.emplace("type_votes", std::move(votes));
  out.emplace("condition_kinds", std::move(kinds));
  out.emplace("first_seen_at", time_or_null(evidence.first_seen_ms));
  out.emplace("last_seen_at", time_or_null(evidence.last_seen_ms));
  out.emplace("sample_filter", sample_value(evidence.sample_filter));
  out.emplace("avg_latency_ms", optional_number(evidence.avg_latency_ms));
  out.emplace("p95_latency_ms", optional_number(evidence.p95_latency_ms));
  return out;
}

}  // namespace index_optimizer
