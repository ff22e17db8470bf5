#include "auth/api_key_authenticator.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace index_optimizer {

sha256_digest sha256(std::string_view data) {
  sha256_digest out{};
  ::SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data());
  return out;
}

std::string to_hex(const sha256_digest& digest) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (const unsigned char b : digest) {
    out += k_hex[b >> 4];
    out += k_hex[b & 0x0f];
  }
  return out;
}

std::optional<sha256_digest> parse_sha256_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  sha256_digest out{};
  for (size_t i = 0; i < 32; ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return out;
}

api_key_authenticator::api_key_authenticator(std::vector<api_key_entry> keys)
    : keys_(std::make_shared<const std::vector<api_key_entry>>(std::move(keys))) {}

void api_key_authenticator::replace_keys(std::vector<api_key_entry> keys) {
  auto next = std::make_shared<const std::vector<api_key_entry>>(std::move(keys));
  std::lock_guard lock(mutex_);
  keys_ = std::move(next);
}

size_t api_key_authenticator::key_count() const {
  std::lock_guard lock(mutex_);
  return keys_->size();
}

auth_result api_key_authenticator::authenticate(
    std::optional<std::string_view> authorization_header) const {
  if (!authorization_header) return {auth_outcome::missing, {}, permission::none};
  std::string_view value = *authorization_header;
  constexpr std::string_view k_scheme = "Bearer ";
  // The scheme is case-insensitive (RFC 9110 §11.1).
  if (value.size() <= k_scheme.size()) return {auth_outcome::invalid, {}, permission::none};
  for (size_t i = 0; i < k_scheme.size(); ++i) {
    const char a = static_cast<char>(value[i] | 0x20);
    const char b = static_cast<char>(k_scheme[i] | 0x20);
    if (a != b) return {auth_outcome::invalid, {}, permission::none};
  }
  value.remove_prefix(k_scheme.size());
  while (!value.empty() && value.front() == ' ')
    value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ')
    value.remove_suffix(1);
  if (value.empty()) return {auth_outcome::invalid, {}, permission::none};

  std::shared_ptr<const std::vector<api_key_entry>> keys;
  {
    std::lock_guard lock(mutex_);
    keys = keys_;
  }
  const sha256_digest presented = sha256(value);
  const api_key_entry* matched = nullptr;
  for (const auto& entry : *keys) {
    const bool equal = CRYPTO_memcmp(presented.data(), entry.sha256.data(), presented.size()) == 0;
    if (equal && matched == nullptr) matched = &entry;
  }
  if (matched == nullptr) return {auth_outcome::invalid, {}, permission::none};
  return {auth_outcome::ok, matched->name, matched->level};
}

}  // namespace index_optimizer
