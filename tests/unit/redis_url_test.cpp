#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "redis/redis_endpoint.hpp"

namespace index_optimizer {
namespace {

redis_endpoint parse_ok(std::string_view url) {
  auto parsed = parse_redis_url(url);
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    ADD_FAILURE() << "parsing " << url << " failed: " << *error;
    return {};
  }
  return std::get<redis_endpoint>(parsed);
}

std::string parse_error(std::string_view url) {
  auto parsed = parse_redis_url(url);
  if (std::holds_alternative<redis_endpoint>(parsed)) {
    ADD_FAILURE() << "parsing " << url << " should have failed";
    return {};
  }
  return std::get<std::string>(parsed);
}

TEST(RedisUrlTest, ParsesHostPortAndDb) {
  const auto endpoint = parse_ok("redis://cache.internal:6380/3");
  EXPECT_EQ(endpoint.host, "cache.internal");
  EXPECT_EQ(endpoint.port, 6380);
  EXPECT_EQ(endpoint.db, 3);
  EXPECT_FALSE(endpoint.is_unix());
  EXPECT_TRUE(endpoint.username.empty());
  EXPECT_TRUE(endpoint.password.empty());
}

TEST(RedisUrlTest, DefaultsPortAndDb) {
  for (const auto* url : {"redis://localhost", "redis://localhost/", "redis://localhost:6379/0"}) {
    const auto endpoint = parse_ok(url);
    EXPECT_EQ(endpoint.host, "localhost") << url;
    EXPECT_EQ(endpoint.port, 6379) << url;
    EXPECT_EQ(endpoint.db, 0) << url;
  }
}

TEST(RedisUrlTest, PasswordOnlyMeansLegacyAuth) {
  const auto endpoint = parse_ok("redis://:hunter2@10.0.0.5:7000/1");
  EXPECT_EQ(endpoint.username, "");
  EXPECT_EQ(endpoint.password, "hunter2");
  EXPECT_EQ(endpoint.host, "10.0.0.5");
  EXPECT_EQ(endpoint.port, 7000);
  EXPECT_EQ(endpoint.db, 1);
}

TEST(RedisUrlTest, UserAndPasswordMeanAclAuth) {
  const auto endpoint = parse_ok("redis://optimizer:hunter2@redis");
  EXPECT_EQ(endpoint.username, "optimizer");
  EXPECT_EQ(endpoint.password, "hunter2");
  EXPECT_EQ(endpoint.host, "redis");
}

TEST(RedisUrlTest, DecodesPercentEncodedCredentials) {
  const auto endpoint = parse_ok("redis://us%40er:p%40ss%3Aw%2Frd%25@redis:6379/2");
  EXPECT_EQ(endpoint.username, "us@er");
  EXPECT_EQ(endpoint.password, "p@ss:w/rd%");
  EXPECT_EQ(endpoint.host, "redis");
  EXPECT_EQ(endpoint.db, 2);
}

TEST(RedisUrlTest, UnencodedAtSignInPasswordSplitsAtTheLastAt) {
  const auto endpoint = parse_ok("redis://:p@ss@redis:6379");
  EXPECT_EQ(endpoint.password, "p@ss");
  EXPECT_EQ(endpoint.host, "redis");
}

TEST(RedisUrlTest, ParsesBracketedIpv6Host) {
  const auto endpoint = parse_ok("redis://[::1]:6390/4");
  EXPECT_EQ(endpoint.host, "::1");
  EXPECT_EQ(endpoint.port, 6390);
  EXPECT_EQ(endpoint.db, 4);
  EXPECT_EQ(parse_ok("redis://[fe80::1]").port, 6379);
}

TEST(RedisUrlTest, ParsesUnixSocketWithDb) {
  const auto endpoint = parse_ok("unix:///run/redis/redis.sock?db=5");
  EXPECT_TRUE(endpoint.is_unix());
  EXPECT_EQ(endpoint.unix_path, "/run/redis/redis.sock");
  EXPECT_EQ(endpoint.db, 5);
  EXPECT_EQ(parse_ok("unix:///tmp/r.sock").db, 0);
}

TEST(RedisUrlTest, ParsesUnixSocketWithCredentials) {
  const auto endpoint = parse_ok("unix://app:pw@/tmp/r.sock");
  EXPECT_EQ(endpoint.unix_path, "/tmp/r.sock");
  EXPECT_EQ(endpoint.username, "app");
  EXPECT_EQ(endpoint.password, "pw");
}

TEST(RedisUrlTest, ErrorsNameWhatIsWrong) {
  struct bad_url {
    std::string url;
    std::string mentions;
  };
  const bad_url cases[] = {
      {"", "empty"},
      {"localhost:6379", "no scheme"},
      {"rediss://redis:6379", "TLS"},
      {"http://redis:6379", "unsupported scheme 'http'"},
      {"redis://", "host is missing"},
      {"redis://:6379", "host is missing"},
      {"redis://redis:0", "port is not a number between 1 and 65535"},
      {"redis://redis:65536", "port is not"},
      {"redis://redis:abc", "port is not"},
      {"redis://redis:", "port is not"},
      {"redis://redis/-1", "database '-1'"},
      {"redis://redis/x", "database 'x'"},
      {"redis://redis/0?timeout=3", "query parameters"},
      {"redis://[::1:6379", "']'"},
      {"redis://[::1]x", "after the IPv6 host"},
      {"redis://redis#frag", "fragments"},
      {"redis://red is", "whitespace"},
      {"unix://", "no socket path"},
      {"unix:///", "no socket path"},
      {"unix://host/tmp/r.sock", "empty host"},
      {"unix:///tmp/r.sock?timeout=1", "unknown query parameter 'timeout'"},
      {"unix:///tmp/r.sock?db", "db needs a value"},
      {"unix:///tmp/r.sock?db=two", "database 'two'"},
  };
  for (const auto& c : cases) {
    const auto error = parse_error(c.url);
    EXPECT_NE(error.find(c.mentions), std::string::npos)
        << "URL " << c.url << " gave: " << error << " (expected it to mention " << c.mentions
        << ")";
    EXPECT_EQ(error.rfind("invalid redis URL: ", 0), 0u) << error;
  }
}

TEST(RedisUrlTest, ErrorsNeverEchoThePassword) {
  // Each URL carries "S3cret" (or a piece of it) somewhere a parser might echo back.
  const std::string cases[] = {
      "redis://user@redis",                    // no ':' in credentials
      "redis://:S3cret%zz@redis",              // bad escape in the password
      "redis://us%zz:S3cret@redis",            // bad escape in the user
      "redis://:S3cret@redis:99999",           // bad port
      "redis://:S3cret@redis/notadb",          // bad db
      "redis://:S3c/ret@redis:6379",           // unencoded '/' in the password
      "redis://user:S3c:ret@redis:port",       // bad port after a password with ':'
      "redis://user:S3cret",                   // password mistaken for a port
      "unix://:S3c/ret@/tmp/r.sock",           // unencoded '/' in a unix password
      "unix://:S3cret@/tmp/r.sock?S3cret=1",   // unknown parameter
      "unix://:S3cret@/tmp/r.sock?db=S3cret",  // bad db
      "rediss://:S3cret@redis",                // TLS
      "redis://:@redis",                       // empty password
  };
  for (const auto& url : cases) {
    const auto error = parse_error(url);
    EXPECT_FALSE(error.empty()) << url;
    for (const auto* piece : {"S3c", "ret", "zz"}) {
      EXPECT_EQ(error.find(piece), std::string::npos)
          << "error for " << url << " leaks '" << piece << "': " << error;
    }
  }
}

TEST(RedisUrlTest, ToStringMasksThePassword) {
  EXPECT_EQ(to_string(parse_ok("redis://:hunter2@redis:6380/2")), "redis://:***@redis:6380/2");
  EXPECT_EQ(to_string(parse_ok("redis://app:hunter2@redis")), "redis://app:***@redis:6379/0");
  EXPECT_EQ(to_string(parse_ok("redis://[::1]")), "redis://[::1]:6379/0");
  EXPECT_EQ(to_string(parse_ok("unix://:hunter2@/tmp/r.sock?db=1")),
            "unix://:***@/tmp/r.sock?db=1");
  EXPECT_EQ(to_string(redis_endpoint{}), "redis://127.0.0.1:6379/0");
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
