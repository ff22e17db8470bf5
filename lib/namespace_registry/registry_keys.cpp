#include "namespace_registry/registry_keys.hpp"

namespace index_optimizer {

registry_keys::registry_keys(std::string prefix) : base_(std::move(prefix) + "{ns}:") {}

std::string registry_keys::doc(std::string_view namespace_id) const {
  return base_ + "doc:" + std::string(namespace_id);
}

std::string registry_keys::names() const {
  return base_ + "names";
}

std::string registry_keys::order() const {
  return base_ + "order";
}

std::string registry_keys::lock(std::string_view namespace_id) const {
  return base_ + "lock:" + std::string(namespace_id);
}

}  // namespace index_optimizer
