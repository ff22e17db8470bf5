#include "auth/api_key_authenticator.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace index_optimizer
