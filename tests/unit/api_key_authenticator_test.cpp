#include "auth/api_key_authenticator.hpp"

#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <vector>

namespace index_optimizer {
namespace {

api_key_authenticator make() {
  return api_key_authenticator({{"reader", sha256_of("sk_read"), {permission::read}},
                                {"admin", sha256_of("sk_admin"), {permission::admin}}});
}

TEST(ApiKeyAuthenticator, AcceptsConfiguredKeys) {
  const auto auth = make();
  const auto r = auth.authenticate("Bearer sk_admin");
  EXPECT_EQ(r.outcome, auth_outcome::ok);
  EXPECT_EQ(r.key_name, "admin");
  EXPECT_EQ(r.level, permission::admin);
  EXPECT_EQ(auth.authenticate("bearer sk_read").level, permission::read);
}

TEST(ApiKeyAuthenticator, MissingAndInvalidAreDistinguished) {
  const auto auth = make();
  EXPECT_EQ(auth.authenticate(std::nullopt).outcome, auth_outcome::missing);
  EXPECT_EQ(auth.authenticate("Bearer sk_wrong").outcome, auth_outcome::invalid);
  EXPECT_EQ(auth.authenticate("Basic c2s=").outcome, auth_outcome::invalid);
  EXPECT_EQ(auth.authenticate("Bearer ").outcome, auth_outcome::invalid);
  EXPECT_EQ(auth.authenticate("sk_admin").outcome, auth_outcome::invalid);
}

TEST(ApiKeyAuthenticator, KeysCanBeReplacedAtRunTime) {
  auto auth = make();
  auth.replace_keys({{"new", sha256_of("sk_new"), {permission::write, permission::read}}});
  EXPECT_EQ(auth.authenticate("Bearer sk_admin").outcome, auth_outcome::invalid);
  EXPECT_EQ(auth.authenticate("Bearer sk_new").level, permission::write);
}

// The presented key is hashed before any comparison, and what is compared is always two 32-byte
// digests: how long the key is or how much of it is right cannot change the comparison's work.
static_assert(std::is_same_v<sha256_digest, std::array<std::uint8_t, 32>>);
static_assert(std::is_same_v<decltype(auth_key::sha256), sha256_digest>);

TEST(ApiKeyAuthenticator, ComparesFixedLengthDigestsNotTheKeys) {
  const auto auth = make();
  // Whatever its length or shared prefix, a wrong key is one digest compared with another.
  for (const std::string& key : std::vector<std::string>{
           "s", "sk_admi", "sk_admim", "sk_admin_", "sk_adminsk_admin", std::string(100000, 'k')}) {
    EXPECT_EQ(auth.authenticate("Bearer " + key).outcome, auth_outcome::invalid) << key.size();
  }
  // The stored digest itself (hex or raw) is not a key: it is hashed like any other input.
  const auto digest = sha256_of("sk_admin");
  EXPECT_EQ(auth.authenticate("Bearer " + to_hex(digest)).outcome, auth_outcome::invalid);
  EXPECT_EQ(auth.authenticate("Bearer " + std::string(digest.begin(), digest.end())).outcome,
            auth_outcome::invalid);
  EXPECT_EQ(auth.authenticate("Bearer sk_admin").outcome, auth_outcome::ok);
}

}  // namespace
}  // namespace index_optimizer
