#pragma once

// Pure: the list routes' body filters, search and sort, and the pagination over the registry's
// namespaces (the paging parameters themselves are http/list_page).

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/validation_error.hpp"
#include "http/list_page.hpp"
#include "namespace_model/namespace_list.hpp"
#include "namespace_model/namespace_model.hpp"
#include "namespace_model/namespace_requests.hpp"

namespace index_optimizer {

// The `$regex` subset we run: literals, `^` and `$` anchors, `.*` wildcards, and `\` escaping a
// metacharacter. Enough for the spec's example (`^my_namespace`) while never backtracking: a
// full regex engine on client input is a denial-of-service vector.
struct simple_pattern {
  bool anchored_start = false;
  bool anchored_end = false;
  std::vector<std::string> literals;  // separated by `.*`

  friend bool operator==(const simple_pattern&, const simple_pattern&) = default;
};

// nullopt with `why` filled in for anything outside the subset.
std::optional<simple_pattern> parse_simple_pattern(std::string_view regex, std::string& why);
bool matches(const simple_pattern& pattern, std::string_view text, bool case_sensitive);

// One condition of the body's `filters`. Supported fields: namespace_id, namespace_name,
// description, namespace_type (strings) and auto_create_indexes (bool). A value is matched for
// equality; an object takes one operator: $eq, $ne, $in, $nin, or $regex (strings only).
struct namespace_filter {
  enum class op { eq, ne, in, nin, regex };
  std::string field;
  op what = op::eq;
  std::vector<boost::json::value> values;  // eq/ne: one; in/nin: the list
  simple_pattern pattern;                  // regex
};

// Errors at ["body", "filters", ...]. `case_sensitive` false makes string comparisons and
// regexes ignore case (ASCII), as the request's flag says.
validation_result<std::vector<namespace_filter>> parse_namespace_filters(
    const boost::json::object& filters, bool case_sensitive);

bool matches(const namespace_model& ns, const namespace_filter& filter, bool case_sensitive);

// Substring search over namespace_id, namespace_name and description.
bool matches_search(const namespace_model& ns, std::string_view search, bool case_sensitive);

struct namespace_selection {
  std::vector<namespace_model> page;
  std::int64_t total = 0;  // matches before paging
  pagination_response pagination;
};

// Filters, searches, sorts (the request's sort; creation order when none, which is the order
// `all` comes in) and cuts out the page.
namespace_selection select_namespaces(std::vector<namespace_model> all,
                                      const list_namespaces_request& request,
                                      const std::vector<namespace_filter>& filters,
                                      const list_page& page);

}  // namespace index_optimizer
