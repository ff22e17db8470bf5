#include "auth/permission.hpp"

namespace index_optimizer {

std::string_view to_string(permission p) noexcept {
  switch (p) {
    case permission::read:
      return "read";
    case permission::write:
      return "write";
    case permission::delete_:
      return "delete";
    case permission::admin:
      return "admin";
    case permission::none:
      break;
  }
  return "none";
}

std::optional<permission> parse_permission(std::string_view name) noexcept {
  if (name == "read") return permission::read;
  if (name == "write") return permission::write;
  if (name == "delete") return permission::delete_;
  if (name == "admin") return permission::admin;
  return std::nullopt;
}

}  // namespace index_optimizer
