#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/permission.hpp"

namespace index_optimizer {

using sha256_digest = std::array<unsigned char, 32>;

struct api_key_entry {
  std::string name;
  sha256_digest sha256{};  // of the key itself; the key never lives in memory or config
  permission level = permission::read;
};

sha256_digest sha256(std::string_view data);
std::string to_hex(const sha256_digest& digest);
std::optional<sha256_digest> parse_sha256_hex(std::string_view hex);

enum class auth_outcome { ok, missing, invalid };

struct auth_result {
  auth_outcome outcome = auth_outcome::missing;
  std::string key_name;
  permission level = permission::none;
};

// Checks `Authorization: Bearer <key>` against configured key hashes. The presented key is hashed
// once and compared against every configured hash with CRYPTO_memcmp, without stopping at a
// match, so the time taken does not depend on which key (if any) matched or where they differ.
// The key set can be swapped at run time (SIGHUP) while requests are being checked.
class api_key_authenticator {
 public:
  explicit api_key_authenticator(std::vector<api_key_entry> keys = {});

  void replace_keys(std::vector<api_key_entry> keys);
  auth_result authenticate(std::optional<std::string_view> authorization_header) const;
  size_t key_count() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const std::vector<api_key_entry>> keys_;
};

}  // namespace index_optimizer
