#include "base/index_type.hpp"

#include <array>
#include <utility>

namespace index_optimizer {
namespace {
constexpr std::array<std::pair<index_type, std::string_view>, 9> k_names{{
    {index_type::unknown, "unknown"},
    {index_type::keyword, "keyword"},
    {index_type::integer, "integer"},
    {index_type::float_, "float"},
    {index_type::bool_, "bool"},
    {index_type::geo, "geo"},
    {index_type::datetime, "datetime"},
    {index_type::text, "text"},
    {index_type::uuid, "uuid"},
}};
}  // namespace

std::string_view to_string(index_type type) noexcept {
  for (const auto& [t, name] : k_names) {
    if (t == type) return name;
  }
  return "unknown";
}

std::optional<index_type> parse_index_type(std::string_view name) noexcept {
  for (const auto& [t, n] : k_names) {
    if (t != index_type::unknown && n == name) return t;
  }
  return std::nullopt;
}

}  // namespace index_optimizer
