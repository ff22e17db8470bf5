#pragma once

// Pure: the list routes' query parameters, the body's filters, search and sort, and the
// pagination over the registry's namespaces.

#include <boost/json/object.hpp>

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/validation_error.hpp"
#include "namespace_model/namespace_list.hpp"
#include "namespace_model/namespace_model.hpp"
#include "namespace_model/namespace_requests.hpp"

namespace index_optimizer {

inline constexpr std::int64_t k_default_list_limit = 10;  // the spec example's page size
inline constexpr std::int64_t k_max_list_limit = 1000;
inline constexpr std::int64_t k_max_list_offset = 10000;
// A cursor may page past k_max_list_offset, but never beyond what a registry in memory can hold.
inline constexpr std::int64_t k_max_list_cursor_offset = std::numeric_limits<std::int32_t>::max();

// limit (1-1000, default 10), offset (0-10000), cursor (opaque; wins over offset),
// include_total (Pydantic's lax booleans: true/false, 1/0, yes/no, on/off, t/f, y/n).
struct list_page {
  std::int64_t limit = k_default_list_limit;
  std::int64_t offset = 0;
  bool include_total = false;

  friend bool operator==(const list_page&, const list_page&) = default;
};

// Errors at ["query", <name>] with Pydantic's types (int_parsing, greater_than_equal, ...).
validation_result<list_page> parse_list_page(const std::map<std::string, std::string>& query);

// next_cursor values: opaque to clients, an offset to us ("o" + decimal).
std::string encode_list_cursor(std::int64_t offset);
std::optional<std::int64_t> decode_list_cursor(std::string_view cursor);

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
