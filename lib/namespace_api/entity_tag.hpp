#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace index_optimizer {

// A namespace's ETag: its registry version as a strong entity tag, `"7"`.
std::string entity_tag(std::int64_t version);

// A parsed If-Match header (RFC 9110 § 13.1.1).
struct if_match_any {};  // `*`: any current version
struct if_match_list {
  // Versions named by strong tags. Weak tags (W/"7") never match: If-Match compares strongly.
  std::vector<std::int64_t> versions;
};
using if_match_condition = std::variant<if_match_any, if_match_list>;

// nullopt when the header is malformed (not `*` and not a comma-separated list of entity tags).
// Tags that are not one of our versions parse but match nothing.
std::optional<if_match_condition> parse_if_match(std::string_view header);

// Whether a namespace at `version` satisfies the condition.
bool matches(const if_match_condition& condition, std::int64_t version) noexcept;

}  // namespace index_optimizer
