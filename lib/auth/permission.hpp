#pragma once

#include <optional>
#include <string_view>

namespace index_optimizer {

// Mixpeek's key permissions, ordered: admin > delete > write > read. `none` is what an anonymous
// caller on an open route has.
enum class permission { none = 0, read = 1, write = 2, delete_ = 3, admin = 4 };

std::string_view to_string(permission p) noexcept;
std::optional<permission> parse_permission(std::string_view name) noexcept;

// True when `held` allows an operation that needs `required`.
constexpr bool permits(permission held, permission required) noexcept {
  return held >= required;
}

}  // namespace index_optimizer
