#include <gtest/gtest.h>

#include <string>

#include "redis/redis_endpoint.hpp"

namespace index_optimizer {
namespace {

// URL parsing itself is tested with the config (config_test.cpp); this covers the log form.
redis_endpoint parse_ok(std::string_view url) {
  auto parsed = parse_redis_url(url);
  if (!parsed) {
    ADD_FAILURE() << "parsing " << url << " failed: " << parsed.error;
    return {};
  }
  return *parsed.value;
}

TEST(RedisUrlTest, ToStringMasksThePassword) {
  EXPECT_EQ(to_string(parse_ok("redis://:hunter2@redis:6380/2")), "redis://:***@redis:6380/2");
  EXPECT_EQ(to_string(parse_ok("redis://app:hunter2@redis")), "redis://app:***@redis:6379/0");
  EXPECT_EQ(to_string(parse_ok("redis://[::1]")), "redis://[::1]:6379/0");
  redis_endpoint unix_with_password;
  unix_with_password.unix_path = "/tmp/r.sock";
  unix_with_password.db = 1;
  unix_with_password.password = "hunter2";
  EXPECT_EQ(to_string(unix_with_password), "unix://:***@/tmp/r.sock?db=1");
}

TEST(RedisUrlTest, ToStringRoundTripsWithoutCredentials) {
  for (const auto* url :
       {"redis://redis:6380/2", "redis://[::1]:6379/0", "unix:///tmp/r.sock?db=3"}) {
    EXPECT_EQ(to_string(parse_ok(url)), url);
    EXPECT_EQ(parse_ok(to_string(parse_ok(url))), parse_ok(url));
  }
}

}  // namespace
}  // namespace index_optimizer
