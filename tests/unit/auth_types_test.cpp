#include "auth/auth_types.hpp"

#include <gtest/gtest.h>

#include <array>

namespace index_optimizer {
namespace {

TEST(AuthTypes, PermissionsRoundTripTheirWireNames) {
  for (const char* name : {"read", "write", "delete", "admin"}) {
    const auto parsed = parse_permission(name);
    ASSERT_TRUE(parsed.has_value()) << name;
    EXPECT_EQ(to_string(*parsed), name);
  }
  EXPECT_FALSE(parse_permission("Admin").has_value());
  EXPECT_FALSE(parse_permission("delete_").has_value());
}

TEST(AuthTypes, HigherPermissionsGrantLowerOnes) {
  EXPECT_LT(permission::read, permission::write);
  EXPECT_LT(permission::write, permission::delete_);
  EXPECT_LT(permission::delete_, permission::admin);
  const auth_key writer{"w", {}, {permission::write}};
  EXPECT_TRUE(writer.allows(permission::read));
  EXPECT_TRUE(writer.allows(permission::write));
  EXPECT_FALSE(writer.allows(permission::delete_));
  EXPECT_FALSE(writer.allows(permission::admin));
  const auth_key admin{"a", {}, {permission::admin}};
  EXPECT_TRUE(admin.allows(permission::delete_));
  const auth_key none{"n", {}, {}};
  EXPECT_FALSE(none.allows(permission::read));
}

TEST(AuthTypes, Sha256MatchesTheKnownDigestAndRoundTripsHex) {
  // printf %s abc | sha256sum
  const std::string abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  EXPECT_EQ(to_hex(sha256_of("abc")), abc);
  const auto parsed = parse_sha256_hex(abc);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, sha256_of("abc"));
  EXPECT_FALSE(parse_sha256_hex(abc.substr(1)).has_value());
  std::string upper = abc;
  upper[0] = 'B';
  EXPECT_FALSE(parse_sha256_hex(upper).has_value());
  EXPECT_FALSE(parse_sha256_hex(std::string(64, 'g')).has_value());
}

TEST(AuthTypes, Sha256OfPartsIsTheDigestOfTheirConcatenation) {
  const std::array<std::string_view, 3> parts{"a", "", "bc"};
  EXPECT_EQ(sha256_of(parts), sha256_of("abc"));
  EXPECT_EQ(sha256_of(std::span<const std::string_view>{}), sha256_of(""));
}

}  // namespace
}  // namespace index_optimizer
