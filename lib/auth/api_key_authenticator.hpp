#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/auth_types.hpp"

namespace index_optimizer {

enum class auth_outcome { ok, missing, invalid };

struct auth_result {
  auth_outcome outcome = auth_outcome::missing;
  std::string key_name;
  std::optional<permission> level;  // the highest permission the key holds
};

// Checks `Authorization: Bearer <key>` against configured key hashes. The presented key is hashed
// once and compared against every configured hash with CRYPTO_memcmp, without stopping at a
// match, so the time taken does not depend on which key (if any) matched or where they differ.
// The key set can be swapped at run time (SIGHUP) while requests are being checked.
class api_key_authenticator {
 public:
  explicit api_key_authenticator(std::vector<auth_key> keys = {});

  void replace_keys(std::vector<auth_key> keys);
  auth_result authenticate(std::optional<std::string_view> authorization_header) const;
  size_t key_count() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const std::vector<auth_key>> keys_;
};

}  // namespace index_optimizer
