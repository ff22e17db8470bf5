// Fuzz target: a request target (path?query) through the router's decoding, then the decoded
// query parameters through the analytics routes' (usage, suggestions) and the namespace list
// routes' parsers. Everything here runs before authentication-independent validation answers,
// so any client can reach it.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "analytics_api/index_analytics.hpp"
#include "base/validation_error.hpp"
#include "config/config.hpp"
#include "fuzz_entry_points.hpp"
#include "http/router.hpp"
#include "namespace_api/namespace_listing.hpp"
#include "namespace_model/namespace_model.hpp"
#include "text/percent_encoding.hpp"
#include "text/utf8_text.hpp"

namespace index_optimizer::fuzz {
namespace {

using query_map = std::map<std::string, std::string>;
using namespace std::chrono_literals;

void check_errors(const std::vector<validation_error>& errors) {
  require(!errors.empty(), "rejected parameters without errors");
  for (const auto& error : errors) {
    require(!error.type.empty() && !error.message.empty(), "an error without type or message");
    require(error.location.size() == 2 &&
                error.location.front() == error_location::value_type(std::string("query")),
            "an error location that is not [\"query\", name]");
    require(is_valid_utf8(error.message), "an error message that is not valid UTF-8");
  }
}

// The target built back from what parse_target decoded; it must decode to the same thing.
std::string encode_target(const http::parsed_target& target) {
  std::string out;
  for (const auto& segment : target.segments)
    out.append("/").append(percent_encode(segment));
  if (target.segments.empty()) out = "/";
  if (!target.query.empty()) {
    char separator = '?';
    for (const auto& [key, value] : target.query) {
      out.append(1, separator)
          .append(percent_encode(key))
          .append("=")
          .append(percent_encode(value));
      separator = '&';
    }
  }
  return out;
}

void check_target(const http::parsed_target& target) {
  require(!target.path.empty() && target.path.front() == '/', "a decoded path without its '/'");
  for (const auto& segment : target.segments) {
    require(is_valid_utf8(segment), "a path segment that is not valid UTF-8");
    require(percent_decode(percent_encode(segment)) == segment,
            "percent_encode does not decode back");
  }
  for (const auto& [key, value] : target.query) {
    require(is_valid_utf8(key) && is_valid_utf8(value), "a query parameter that is not UTF-8");
  }
  const std::string again = encode_target(target);
  const auto reparsed = http::parse_target(again);
  require(reparsed.has_value(), "a re-encoded target is rejected: " + again);
  require(reparsed->segments == target.segments && reparsed->query == target.query,
          "a re-encoded target decodes differently: " + again);
}

std::int64_t hours_of(const window_config& windows, window_kind kind) {
  return (kind == window_kind::decision ? windows.length : windows.analytics_length).count() /
         3'600'000;
}

void check_analytics(const query_map& query, const window_config& windows) {
  const auto usage = parse_usage_query(query, windows);
  if (!usage.ok()) {
    check_errors(usage.errors());
  } else {
    const auto& u = usage.value();
    require(u.min_count >= 1 && u.min_count <= 10000, "usage min_count outside 1..10000");
    const char unit = u.period.back();
    const auto number = std::stoull(u.period.substr(0, u.period.size() - 1));
    require(
        number * (unit == 'd' ? 24 : 1) == static_cast<std::uint64_t>(hours_of(windows, u.window)),
        "usage period does not name the window it selected: " + u.period);
  }
  const auto suggestions = parse_suggestions_query(query, windows);
  if (!suggestions.ok()) {
    check_errors(suggestions.errors());
  } else {
    const auto& s = suggestions.value();
    require(s.min_count >= 1 && s.min_count <= 10000, "suggestions min_count outside 1..10000");
    require(!s.analysis_period.empty(), "empty analysis_period");
    require(hours_of(windows, s.window) >= 1 && hours_of(windows, s.window) <= 720,
            "suggestions window outside 1..720 hours");
  }
}

// The page the list routes cut out of the registry's namespaces.
void check_list_page(const query_map& query) {
  const auto page = parse_list_page(query);
  if (!page.ok()) return check_errors(page.errors());
  const auto& p = page.value();
  require(p.limit >= 1 && p.limit <= k_max_list_limit, "list limit outside 1..1000");
  // A cursor (an offset this server issued) may go past the `offset` parameter's bound.
  require(p.offset >= 0 && (query.contains("cursor") || p.offset <= k_max_list_offset),
          "list offset outside 0..10000");
  require(decode_list_cursor(encode_list_cursor(p.offset)) == p.offset,
          "a list cursor does not decode back");

  std::vector<namespace_model> all(3);
  for (std::size_t i = 0; i < all.size(); ++i) {
    all[i].namespace_id = "ns_fuzz" + std::to_string(i);
    all[i].namespace_name = "name" + std::to_string(i);
  }
  const auto selection = select_namespaces(all, list_namespaces_request{}, {}, p);
  require(selection.total == 3, "a list without filters lost namespaces");
  require(static_cast<std::int64_t>(selection.page.size()) <= p.limit, "a page over its limit");
  if (selection.pagination.next_cursor) {
    const auto next = decode_list_cursor(*selection.pagination.next_cursor);
    require(next && *next > p.offset && *next < selection.total,
            "next_cursor does not point further into the list");
  }
}

}  // namespace

void query_params(input data) {
  const auto target = http::parse_target(as_text(data));
  if (!target) return;
  check_target(*target);

  window_config defaults;
  window_config custom;
  custom.length = 6h;
  custom.bucket = 1min;
  custom.analytics_length = 30 * 24h;
  custom.analytics_bucket = 1h;
  check_analytics(target->query, defaults);
  check_analytics(target->query, custom);
  check_list_page(target->query);
}

}  // namespace index_optimizer::fuzz

INDEX_OPTIMIZER_FUZZ_TARGET(query_params)
