#pragma once

// Pure: the paging query parameters the list routes share (namespaces, their listing body, run
// history): Mixpeek's limit/offset/include_total plus our opaque cursor.

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/validation_error.hpp"

namespace index_optimizer {

inline constexpr std::int64_t k_default_list_limit = 10;  // the spec example's page size
inline constexpr std::int64_t k_max_list_limit = 1000;
inline constexpr std::int64_t k_max_list_offset = 10000;
// A cursor may page past k_max_list_offset, but never beyond what a list in memory can hold.
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

}  // namespace index_optimizer
