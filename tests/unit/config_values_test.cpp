#include "config/config_values.hpp"
#include "config/endpoints.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace index_optimizer {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(ConfigDuration, ParsesEveryUnitAndCombinations) {
  EXPECT_EQ(parse_duration("500ms").value, milliseconds(500));
  EXPECT_EQ(parse_duration("2s").value, milliseconds(2000));
  EXPECT_EQ(parse_duration("5m").value, milliseconds(300000));
  EXPECT_EQ(parse_duration("6h").value, milliseconds(6 * 3600000));
  EXPECT_EQ(parse_duration("7d").value, milliseconds(7LL * 86400000));
  EXPECT_EQ(parse_duration("1h30m").value, milliseconds(5400000));
  EXPECT_EQ(parse_duration("0s").value, milliseconds(0));
}

TEST(ConfigDuration, RejectsWhatItWouldHaveToGuess) {
  for (const char* text : {"", "10", "1.5s", "-1s", "10 s", "1w", "s", "1S", "99999999999999d"}) {
    EXPECT_FALSE(parse_duration(text)) << text;
  }
  EXPECT_THAT(parse_duration("10").error, HasSubstr("needs a unit"));
}

TEST(ConfigDuration, FormatsWithTheLargestExactUnit) {
  EXPECT_EQ(format_duration(milliseconds(0)), "0s");
  EXPECT_EQ(format_duration(milliseconds(500)), "500ms");
  EXPECT_EQ(format_duration(milliseconds(90000)), "90s");
  EXPECT_EQ(format_duration(milliseconds(3600000)), "1h");
  EXPECT_EQ(format_duration(milliseconds(7LL * 86400000)), "7d");
  EXPECT_EQ(format_duration(milliseconds(1500)), "1500ms");
}

TEST(ConfigSize, ParsesBytesAndBinaryUnits) {
  EXPECT_EQ(parse_size("1048576").value, 1048576u);
  EXPECT_EQ(parse_size("16KiB").value, 16384u);
  EXPECT_EQ(parse_size("1MiB").value, 1048576u);
  EXPECT_EQ(parse_size("2GiB").value, 2ULL << 30);
  EXPECT_EQ(parse_size("10B").value, 10u);
  for (const char* text : {"", "1MB", "1mib", "1.5MiB", "-1", "MiB", "1 MiB"}) {
    EXPECT_FALSE(parse_size(text)) << text;
  }
  EXPECT_EQ(format_size(1 << 20), "1MiB");
  EXPECT_EQ(format_size(1536), "1536");
  EXPECT_EQ(format_size(0), "0");
}

TEST(ConfigRedisUrl, ParsesHostPortDbAndCredentials) {
  const auto plain = parse_redis_url("redis://cache:6380/2");
  ASSERT_TRUE(plain) << plain.error;
  EXPECT_EQ(*plain.value, (redis_endpoint{"cache", 6380, "", 2, "", ""}));
  EXPECT_EQ(*parse_redis_url("redis://cache").value,
            (redis_endpoint{"cache", 6379, "", 0, "", ""}));
  EXPECT_EQ(*parse_redis_url("redis://:p%40ss@10.0.0.1/").value,
            (redis_endpoint{"10.0.0.1", 6379, "", 0, "", "p@ss"}));
  EXPECT_EQ(*parse_redis_url("redis://app:pw@[::1]:7000/1").value,
            (redis_endpoint{"::1", 7000, "", 1, "app", "pw"}));
  EXPECT_EQ(*parse_redis_url("unix:///run/redis/redis.sock?db=4").value,
            (redis_endpoint{"", 6379, "/run/redis/redis.sock", 4, "", ""}));
}

TEST(ConfigRedisUrl, RejectsWithoutQuotingThePassword) {
  for (const char* url :
       {"rediss://cache", "http://cache", "cache:6379", "redis://", "redis://cache:0",
        "redis://cache:99999", "redis://cache/x", "redis://cache?timeout=1", "redis://pw@cache",
        "redis://[::1", "unix://relative.sock", "unix:///s.sock?timeout=1"}) {
    EXPECT_FALSE(parse_redis_url(url)) << url;
  }
  EXPECT_THAT(parse_redis_url("redis://:topsecret@cache:x").error, Not(HasSubstr("topsecret")));
  EXPECT_THAT(parse_redis_url("redis://topsecret@cache").error, Not(HasSubstr("topsecret")));
}

TEST(ConfigRedisUrl, RedactsOnlyThePassword) {
  EXPECT_EQ(redact_redis_url("redis://:pw@cache:6379/0"), "redis://:<redacted>@cache:6379/0");
  EXPECT_EQ(redact_redis_url("redis://app:pw@cache"), "redis://app:<redacted>@cache");
  EXPECT_EQ(redact_redis_url("redis://pw@cache"), "redis://<redacted>@cache");
  EXPECT_EQ(redact_redis_url("redis://cache:6379/0"), "redis://cache:6379/0");
  EXPECT_EQ(redact_redis_url("unix:///run/redis.sock"), "unix:///run/redis.sock");
  EXPECT_EQ(redact_redis_url("hunter2"), "<redacted>");
}

TEST(ConfigQdrantUrl, ParsesSchemeHostAndPort) {
  EXPECT_EQ(*parse_qdrant_url("http://qdrant:6333").value,
            (qdrant_endpoint{"http", "qdrant", 6333}));
  EXPECT_EQ(*parse_qdrant_url("https://q.example/").value,
            (qdrant_endpoint{"https", "q.example", 443}));
  EXPECT_EQ(*parse_qdrant_url("http://[::1]").value, (qdrant_endpoint{"http", "::1", 80}));
  EXPECT_TRUE(parse_qdrant_url("https://q").value->tls());
  for (const char* url : {"qdrant:6333", "grpc://q:6334", "http://", "http://q:6333/api",
                          "http://user:pw@q", "http://q?x=1", "http://q:port"}) {
    EXPECT_FALSE(parse_qdrant_url(url)) << url;
  }
}

}  // namespace
}  // namespace index_optimizer
