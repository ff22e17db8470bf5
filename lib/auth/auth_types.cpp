#include "auth/auth_types.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <utility>

namespace index_optimizer {
namespace {
constexpr std::array<std::pair<permission, std::string_view>, 4> k_permission_names{{
    {permission::read, "read"},
    {permission::write, "write"},
    {permission::delete_, "delete"},
    {permission::admin, "admin"},
}};

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
}  // namespace

std::string_view to_string(permission p) noexcept {
  for (const auto& [value, name] : k_permission_names) {
    if (value == p) return name;
  }
  return "read";
}

std::optional<permission> parse_permission(std::string_view name) noexcept {
  for (const auto& [value, n] : k_permission_names) {
    if (n == name) return value;
  }
  return std::nullopt;
}

sha256_digest sha256_of(std::string_view data) {
  sha256_digest digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != digest.size()) {
    throw std::runtime_error("SHA-256 computation failed (OpenSSL EVP_Digest)");
  }
  return digest;
}

sha256_digest sha256_of(std::span<const std::string_view> parts) {
  sha256_digest digest{};
  unsigned int length = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  bool ok = context && EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) == 1;
  for (const auto part : parts) {
    ok = ok && EVP_DigestUpdate(context.get(), part.data(), part.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(context.get(), digest.data(), &length) == 1;
  if (!ok || length != digest.size()) {
    throw std::runtime_error("SHA-256 computation failed (OpenSSL EVP_Digest*)");
  }
  return digest;
}

std::optional<sha256_digest> parse_sha256_hex(std::string_view hex) noexcept {
  sha256_digest digest{};
  if (hex.size() != digest.size() * 2) return std::nullopt;
  for (std::size_t i = 0; i < digest.size(); ++i) {
    const int high = hex_value(hex[2 * i]);
    const int low = hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    digest[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return digest;
}

std::string to_hex(const sha256_digest& digest) {
  constexpr std::string_view k_digits = "0123456789abcdef";
  std::string hex;
  hex.reserve(digest.size() * 2);
  for (const std::uint8_t byte : digest) {
    hex.push_back(k_digits[byte >> 4]);
    hex.push_back(k_digits[byte & 0x0f]);
  }
  return hex;
}

bool auth_key::allows(permission needed) const noexcept {
  return std::any_of(permissions.begin(), permissions.end(),
                     [needed](permission held) { return held >= needed; });
}

}  // namespace index_optimizer
