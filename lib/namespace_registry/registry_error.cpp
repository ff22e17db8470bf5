#include "namespace_registry/registry_error.hpp"

namespace index_optimizer {

std::string_view to_string(registry_errc code) noexcept {
  switch (code) {
    case registry_errc::not_found:
      return "not_found";
    case registry_errc::version_mismatch:
      return "version_mismatch";
    case registry_errc::name_taken:
      return "name_taken";
    case registry_errc::id_taken:
      return "id_taken";
    case registry_errc::busy:
      return "busy";
    case registry_errc::lock_lost:
      return "lock_lost";
    case registry_errc::unavailable:
      return "unavailable";
    case registry_errc::corrupt:
      return "corrupt";
  }
  return "unknown";
}

}  // namespace index_optimizer
