#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace index_optimizer {

// Mixpeek's API key permissions. The order is the hierarchy: a key holding a permission is also
// granted every permission below it (admin > delete > write > read), so comparisons with `>=` are
// meaningful.
enum class permission { read = 0, write = 1, delete_ = 2, admin = 3 };

// "read", "write", "delete", "admin".
std::string_view to_string(permission p) noexcept;

// Parses one of the four wire names (lower case only); nullopt for anything else.
std::optional<permission> parse_permission(std::string_view name) noexcept;

// A SHA-256 digest as raw bytes: the form a key is stored in and compared against.
using sha256_digest = std::array<std::uint8_t, 32>;

// SHA-256 of `data` (OpenSSL).
sha256_digest sha256_of(std::string_view data);
// SHA-256 of the parts one after another, without joining them first.
sha256_digest sha256_of(std::span<const std::string_view> parts);

// Parses exactly 64 lower-case hex digits; nullopt otherwise (upper case included, so the one
// spelling in config files is the one `sha256sum` prints).
std::optional<sha256_digest> parse_sha256_hex(std::string_view hex) noexcept;

// 64 lower-case hex digits.
std::string to_hex(const sha256_digest& digest);

// One API key as configured: the plaintext key never leaves the operator's hands, only its hash.
struct auth_key {
  std::string name;                     // shown in logs and audit records instead of the key
  sha256_digest sha256{};               // SHA-256 of the bearer token
  std::vector<permission> permissions;  // as configured, never empty after validation

  // True when any permission held is at or above `needed` in the hierarchy.
  bool allows(permission needed) const noexcept;

  bool operator==(const auth_key&) const = default;
};

}  // namespace index_optimizer
