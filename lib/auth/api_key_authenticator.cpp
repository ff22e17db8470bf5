#include "auth/api_key_authenticator.hpp"

#include <openssl/crypto.h>

namespace index_optimizer {

api_key_authenticator::api_key_authenticator(std::vector<auth_key> keys)
    : keys_(std::make_shared<const std::vector<auth_key>>(std::move(keys))) {}

void api_key_authenticator::replace_keys(std::vector<auth_key> keys) {
  auto next = std::make_shared<const std::vector<auth_key>>(std::move(keys));
  std::lock_guard lock(mutex_);
  keys_ = std::move(next);
}

size_t api_key_authenticator::key_count() const {
  std::lock_guard lock(mutex_);
  return keys_->size();
}

auth_result api_key_authenticator::authenticate(
    std::optional<std::string_view> authorization_header) const {
  if (!authorization_header) return {auth_outcome::missing, {}, std::nullopt};
  std::string_view value = *authorization_header;
  constexpr std::string_view k_scheme = "Bearer ";
  // The scheme is case-insensitive (RFC 9110 §11.1).
  if (value.size() <= k_scheme.size()) return {auth_outcome::invalid, {}, std::nullopt};
  for (size_t i = 0; i < k_scheme.size(); ++i) {
    const char a = static_cast<char>(value[i] | 0x20);
    const char b = static_cast<char>(k_scheme[i] | 0x20);
    if (a != b) return {auth_outcome::invalid, {}, std::nullopt};
  }
  value.remove_prefix(k_scheme.size());
  while (!value.empty() && value.front() == ' ')
    value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ')
    value.remove_suffix(1);
  if (value.empty()) return {auth_outcome::invalid, {}, std::nullopt};

  std::shared_ptr<const std::vector<auth_key>> keys;
  {
    std::lock_guard lock(mutex_);
    keys = keys_;
  }
  const sha256_digest presented = sha256_of(value);
  const auth_key* matched = nullptr;
  for (const auto& entry : *keys) {
    const bool equal = CRYPTO_memcmp(presented.data(), entry.sha256.data(), presented.size()) == 0;
    if (equal && matched == nullptr) matched = &entry;
  }
  if (matched == nullptr) return {auth_outcome::invalid, {}, std::nullopt};
  std::optional<permission> level;
  for (const auto p : matched->permissions) {
    if (!level || p > *level) level = p;
  }
  return {auth_outcome::ok, matched->name, level};
}

}  // namespace index_optimizer
