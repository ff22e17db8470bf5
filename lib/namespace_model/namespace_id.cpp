#include "namespace_model/namespace_id.hpp"

namespace index_optimizer {

std::string generate_namespace_id() {
  std::random_device device;
  return generate_namespace_id(device);
}

bool looks_like_namespace_id(std::string_view identifier) noexcept {
  constexpr std::string_view prefix = "ns_";
  if (!identifier.starts_with(prefix) || identifier.size() == prefix.size()) return false;
  for (const char c : identifier.substr(prefix.size())) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace index_optimizer
