#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "redis/redis_error.hpp"
#include "redis/redis_reply.hpp"
#include "redis/redis_script.hpp"

namespace index_optimizer {
namespace {

using namespace std::string_literals;

// Parses RESP2 bytes with hiredis' own reader, then converts: the same path a live reply takes.
redis_reply parse_resp(const std::string& bytes) {
  std::unique_ptr<redisReader, decltype(&redisReaderFree)> reader(redisReaderCreate(),
                                                                  &redisReaderFree);
  if (redisReaderFeed(reader.get(), bytes.data(), bytes.size()) != REDIS_OK) {
    throw std::runtime_error("feed failed");
  }
  void* raw = nullptr;
  if (redisReaderGetReply(reader.get(), &raw) != REDIS_OK || raw == nullptr) {
    throw std::runtime_error("incomplete or invalid RESP");
  }
  std::unique_ptr<void, decltype(&freeReplyObject)> owned(raw, &freeReplyObject);
  return to_redis_reply(*static_cast<redisReply*>(raw));
}

TEST(RedisReplyTest, ConvertsScalarKinds) {
  EXPECT_TRUE(parse_resp("$-1\r\n").is_nil());
  EXPECT_EQ(parse_resp(":-42\r\n"), redis_reply::integer(-42));
  EXPECT_EQ(parse_resp("+OK\r\n"), redis_reply::status("OK"));
  EXPECT_EQ(parse_resp("-WRONGTYPE Operation against a key\r\n"),
            redis_reply::error("WRONGTYPE Operation against a key"));
  EXPECT_EQ(parse_resp("$5\r\nhello\r\n"), redis_reply::string("hello"));
}

TEST(RedisReplyTest, KeepsBinaryBulkStringsIntact) {
  const std::string value = "a\0b\r\nc\xff"s;
  const auto reply = parse_resp("$" + std::to_string(value.size()) + "\r\n" + value + "\r\n");
  ASSERT_TRUE(reply.is_string());
  EXPECT_EQ(reply.as_string(), value);
  EXPECT_EQ(reply.as_string().size(), 7u);
}

TEST(RedisReplyTest, ConvertsNestedArraysWithNils) {
  // The shape of an XREADGROUP reply: [[stream, [[id, [field, value]]]]] plus a nil element.
  const auto reply = parse_resp(
      "*2\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*-1\r\n");
  const auto expected = redis_reply::array(
      {redis_reply::array(
           {redis_reply::string("s"),
            redis_reply::array({redis_reply::array(
                {redis_reply::string("1-0"),
                 redis_reply::array({redis_reply::string("f"), redis_reply::string("v")})})})}),
       redis_reply::nil()});
  EXPECT_EQ(reply, expected) << describe(reply);
  EXPECT_EQ(reply.as_array()[0].as_array()[1].as_array()[0].as_array()[1].as_array()[1].as_string(),
            "v");
}

TEST(RedisReplyTest, EmptyArrayIsNotNil) {
  const auto reply = parse_resp("*0\r\n");
  EXPECT_TRUE(reply.is_array());
  EXPECT_TRUE(reply.as_array().empty());
}

TEST(RedisReplyTest, CheckedAccessorsRejectTheWrongKind) {
  EXPECT_THROW((void)redis_reply::nil().as_string(), std::logic_error);
  EXPECT_THROW((void)redis_reply::string("1").as_integer(), std::logic_error);
  EXPECT_THROW((void)redis_reply::integer(1).as_array(), std::logic_error);
  EXPECT_EQ(redis_reply::error("ERR x").as_string(), "ERR x");
}

TEST(RedisReplyTest, LenientReadersAcceptTheCommonShapes) {
  EXPECT_EQ(redis_reply::integer(7).to_integer(), 7);
  EXPECT_EQ(redis_reply::string("-12").to_integer(), -12);
  EXPECT_EQ(redis_reply::string("12x").to_integer(), std::nullopt);
  EXPECT_EQ(redis_reply::string("").to_integer(), std::nullopt);
  EXPECT_EQ(redis_reply::nil().to_integer(), std::nullopt);
  EXPECT_EQ(redis_reply::string("v").to_optional_string(), "v");
  EXPECT_EQ(redis_reply::status("OK").to_optional_string(), "OK");
  EXPECT_EQ(redis_reply::nil().to_optional_string(), std::nullopt);
  EXPECT_EQ(redis_reply::error("ERR").to_optional_string(), std::nullopt);
}

TEST(RedisReplyTest, ErrorPrefixMatchesWholeWords) {
  const auto reply = redis_reply::error("NOSCRIPT No matching script. Please use EVAL.");
  EXPECT_TRUE(reply.is_error_with_prefix("NOSCRIPT"));
  EXPECT_FALSE(reply.is_error_with_prefix("NOSCRIP"));
  EXPECT_TRUE(redis_reply::error("NOSCRIPT").is_error_with_prefix("NOSCRIPT"));
  EXPECT_FALSE(redis_reply::string("NOSCRIPT x").is_error_with_prefix("NOSCRIPT"));
  EXPECT_TRUE(redis_reply::status("OK").is_status("OK"));
  EXPECT_FALSE(redis_reply::string("OK").is_status("OK"));
}

TEST(RedisReplyTest, DescribeEscapesAndTruncates) {
  EXPECT_EQ(describe(redis_reply::array({redis_reply::string("a\"\n"s + '\0'),
                                         redis_reply::integer(3), redis_reply::nil(),
                                         redis_reply::status("OK"), redis_reply::error("ERR e")})),
            R"(["a\"\x0a\x00", (integer) 3, (nil), +OK, (error) ERR e])");
  const auto long_text = describe(redis_reply::string(std::string(1000, 'x')));
  EXPECT_LT(long_text.size(), 300u);
  EXPECT_NE(long_text.find("(1000 bytes)"), std::string::npos);
}

TEST(RedisScriptTest, ComputesTheSha1RedisUses) {
  EXPECT_EQ(redis_script("return 1").sha1(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  EXPECT_EQ(redis_script("").sha1(), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(redis_script("return 1").source(), "return 1");
}

TEST(RedisErrorTest, ResultHoldsValueOrError) {
  redis_result<int> value = 3;
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, 3);
  EXPECT_THROW((void)value.error(), std::logic_error);

  redis_result<int> failed = redis_error{redis_errc::timeout, "took too long"};
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, redis_errc::timeout);
  EXPECT_THROW((void)failed.value(), std::logic_error);

  const std::error_code code = redis_errc::auth;
  EXPECT_EQ(code.category().name(), std::string("redis"));
  EXPECT_EQ(failed.error().error_code(), redis_errc::timeout);

  redis_result<void> ok;
  EXPECT_TRUE(ok);
  redis_result<void> not_ok = redis_error{redis_errc::io, "down"};
  EXPECT_EQ(not_ok.error().message, "down");
}

}  // namespace
}  // namespace index_optimizer
