#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "redis/optimistic_update.hpp"
#include "redis/redis_connection.hpp"
#include "redis/redis_endpoint.hpp"
#include "redis/redis_script.hpp"
#include "support/redis_server.hpp"
#include "support/silent_listener.hpp"
#include "support/wait.hpp"

namespace index_optimizer {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using testing::redis_server;
using testing::wait_until;
using clock = std::chrono::steady_clock;

constexpr auto connect_timeout = 2000ms;
constexpr auto command_timeout = 2000ms;

redis_endpoint parse_or_throw(const std::string& url) {
  auto parsed = parse_redis_url(url);
  if (!parsed) throw std::runtime_error(parsed.error);
  return *parsed.value;
}

redis_connection connect_or_throw(const redis_endpoint& endpoint) {
  auto connected = redis_connection::connect(endpoint, connect_timeout, command_timeout);
  if (!connected) throw std::runtime_error(connected.error().message);
  return std::move(*connected);
}

redis_reply run(redis_connection& connection, std::initializer_list<std::string_view> argv) {
  auto reply = connection.command(argv);
  if (!reply) throw std::runtime_error(reply.error().message);
  return std::move(*reply);
}

class RedisConnectionTest : public ::testing::Test {
 protected:
  // The "cmdstat_<command>:calls=..." line of INFO commandstats: what the server really ran.
  std::string command_stats(const std::string& command) const {
    const std::string info = server_.cli({"INFO", "commandstats"});
    const std::string prefix = "cmdstat_" + command + ":";
    const auto start = info.find(prefix);
    if (start == std::string::npos) return "never called";
    const auto end = info.find_first_of("\r\n", start);
    return info.substr(start + prefix.size(), end - start - prefix.size());
  }

  redis_server server_;
  redis_endpoint endpoint_ = parse_or_throw(server_.url());
};

TEST_F(RedisConnectionTest, RunsCommandsAndConvertsReplies) {
  auto connection = connect_or_throw(endpoint_);
  EXPECT_TRUE(run(connection, {"SET", "k", "v"}).is_status("OK"));
  EXPECT_EQ(run(connection, {"GET", "k"}), redis_reply::string("v"));
  EXPECT_TRUE(run(connection, {"GET", "missing"}).is_nil());
  EXPECT_EQ(run(connection, {"INCRBY", "n", "5"}), redis_reply::integer(5));
  EXPECT_EQ(run(connection, {"RPUSH", "l", "a", "b"}), redis_reply::integer(2));
  EXPECT_EQ(run(connection, {"LRANGE", "l", "0", "-1"}),
            redis_reply::array({redis_reply::string("a"), redis_reply::string("b")}));
  EXPECT_FALSE(connection.is_broken());
}

TEST_F(RedisConnectionTest, ValuesAndKeysAreBinarySafe) {
  auto connection = connect_or_throw(endpoint_);
  const std::vector<std::string> set = {"SET", "key with spaces\r\n\0"s, "a\0b\r\n$3\r\n\xff"s};
  ASSERT_TRUE(connection.command(std::span<const std::string>(set)).value().is_status("OK"));
  const std::vector<std::string> get = {"GET", set[1]};
  EXPECT_EQ(connection.command(std::span<const std::string>(get)).value(),
            redis_reply::string(set[2]));
  EXPECT_EQ(server_.cli({"STRLEN", "key with spaces\r\n"}), "0");  // the NUL is part of the key
}

TEST_F(RedisConnectionTest, PipelineKeepsOrderAndErrorReplies) {
  auto connection = connect_or_throw(endpoint_);
  auto replies = connection.pipeline(
      {{"SET", "a", "1"}, {"INCR", "a"}, {"LPUSH", "a", "x"}, {"GET", "a"}, {"NOSUCHCOMMAND"}});
  ASSERT_TRUE(replies) << replies.error().message;
  ASSERT_EQ(replies->size(), 5u);
  EXPECT_TRUE((*replies)[0].is_status("OK"));
  EXPECT_EQ((*replies)[1], redis_reply::integer(2));
  EXPECT_TRUE((*replies)[2].is_error_with_prefix("WRONGTYPE")) << describe((*replies)[2]);
  EXPECT_EQ((*replies)[3], redis_reply::string("2"));
  EXPECT_TRUE((*replies)[4].is_error());
  EXPECT_FALSE(connection.is_broken());
  EXPECT_TRUE(connection.pipeline({}).value().empty());
}

// Appended commands run once flushed, before their replies are read: the server works while the
// caller does, and the replies come back in command order.
TEST_F(RedisConnectionTest, AppendedCommandsRunOnFlushAndReplyInOrder) {
  auto connection = connect_or_throw(endpoint_);
  auto observer = connect_or_throw(endpoint_);
  ASSERT_TRUE(connection.append({"SET", "k", "1"}));
  ASSERT_TRUE(connection.append({"INCR", "k"}));
  ASSERT_TRUE(connection.append({"NOSUCHCOMMAND"}));
  ASSERT_TRUE(connection.flush());
  ASSERT_TRUE(wait_until([&] {
    return run(observer, {"GET", "k"}) == redis_reply::string("2");
  })) << "flushed commands run without their replies being read";
  auto first = connection.read_reply();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->is_status("OK"));
  EXPECT_EQ(connection.read_reply().value(), redis_reply::integer(2));
  EXPECT_TRUE(connection.read_reply().value().is_error());
  EXPECT_FALSE(connection.is_broken());
  EXPECT_TRUE(run(connection, {"PING"}).is_status("PONG"));
}

TEST_F(RedisConnectionTest, ServerErrorIsAReplyAndKeepsTheConnection) {
  auto connection = connect_or_throw(endpoint_);
  auto reply = connection.command({"NOSUCHCOMMAND", "x"});
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_TRUE(reply->is_error_with_prefix("ERR")) << describe(*reply);
  EXPECT_FALSE(connection.is_broken());
  EXPECT_TRUE(run(connection, {"PING"}).is_status("PONG"));
}

TEST_F(RedisConnectionTest, IoErrorBreaksTheConnection) {
  auto connection = connect_or_throw(endpoint_);
  server_.stop();
  auto reply = connection.command({"PING"});
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, redis_errc::io) << reply.error().message;
  EXPECT_TRUE(connection.is_broken());

  server_.start();  // even with the server back, the broken connection stays unusable
  auto again = connection.command({"PING"});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, redis_errc::io);
}

TEST_F(RedisConnectionTest, WritingToADeadServerFailsWithoutKillingTheProcess) {
  auto connection = connect_or_throw(endpoint_);
  server_.stop();
  // Larger than the socket buffers: hiredis writes again after the peer's RST, which raises
  // SIGPIPE (default action: terminate) unless it is ignored.
  const std::string big(32 << 20, 'x');
  auto replies = connection.pipeline({{"SET", "big", big}, {"SET", "big2", big}});
  ASSERT_FALSE(replies);
  EXPECT_EQ(replies.error().code, redis_errc::io) << replies.error().message;
  EXPECT_TRUE(connection.is_broken());
}

TEST_F(RedisConnectionTest, ConnectRefusedIsAnIoError) {
  server_.stop();
  auto connected = redis_connection::connect(endpoint_, connect_timeout, command_timeout);
  ASSERT_FALSE(connected);
  EXPECT_EQ(connected.error().code, redis_errc::io) << connected.error().message;
  EXPECT_NE(connected.error().message.find(std::to_string(server_.port())), std::string::npos);
}

TEST_F(RedisConnectionTest, BlockLongerThanTheSocketTimeoutTimesOut) {
  auto connection = connect_or_throw(endpoint_);
  ASSERT_TRUE(run(connection, {"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}).is_status("OK"));
  ASSERT_TRUE(connection.set_timeout(200ms));
  const auto start = clock::now();
  auto reply = connection.command(
      {"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "BLOCK", "5000", "STREAMS", "s", ">"});
  const auto elapsed = clock::now() - start;
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, redis_errc::timeout) << reply.error().message;
  EXPECT_GE(elapsed, 150ms);
  EXPECT_LT(elapsed, 3000ms);
  // The late reply would answer the next command, so the connection must not be reused.
  EXPECT_TRUE(connection.is_broken());
}

TEST_F(RedisConnectionTest, BlockShorterThanTheSocketTimeoutReturnsNil) {
  auto connection = connect_or_throw(endpoint_);
  ASSERT_TRUE(run(connection, {"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}).is_status("OK"));
  ASSERT_TRUE(connection.set_timeout(3000ms));
  EXPECT_EQ(connection.timeout(), 3000ms);
  auto reply = connection.command(
      {"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "BLOCK", "100", "STREAMS", "s", ">"});
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_TRUE(reply->is_nil()) << describe(*reply);
  EXPECT_FALSE(connection.is_broken());
  EXPECT_EQ(connection.set_timeout(0ms).error().code, redis_errc::invalid_argument);
}

TEST_F(RedisConnectionTest, SelectsTheDatabaseOnConnect) {
  endpoint_.db = 3;
  auto connection = connect_or_throw(endpoint_);
  ASSERT_TRUE(run(connection, {"SET", "in-db-3", "yes"}).is_status("OK"));
  EXPECT_EQ(server_.cli({"-n", "3", "GET", "in-db-3"}), "yes");
  EXPECT_EQ(server_.cli({"-n", "0", "EXISTS", "in-db-3"}), "0");

  endpoint_.db = 999;
  auto out_of_range = redis_connection::connect(endpoint_, connect_timeout, command_timeout);
  ASSERT_FALSE(out_of_range);
  EXPECT_EQ(out_of_range.error().code, redis_errc::server);
  EXPECT_NE(out_of_range.error().message.find("SELECT 999"), std::string::npos)
      << out_of_range.error().message;
}

TEST_F(RedisConnectionTest, HungServerFailsWithinTheConnectTimeout) {
  testing::silent_listener hung;
  redis_endpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = hung.port();
  endpoint.password = "pw";  // AUTH is the step that waits for an answer
  const auto start = clock::now();
  auto connected = redis_connection::connect(endpoint, 300ms, 10000ms);
  const auto elapsed = clock::now() - start;
  ASSERT_FALSE(connected);
  EXPECT_EQ(connected.error().code, redis_errc::timeout) << connected.error().message;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 2000ms);
}

TEST_F(RedisConnectionTest, EvalShaFallsBackToEvalAfterScriptFlush) {
  auto connection = connect_or_throw(endpoint_);
  const redis_script script("return {KEYS[1], ARGV[1], redis.call('INCR', KEYS[1])}");
  const std::vector<std::string> keys = {"counter"};
  const std::vector<std::string> args = {"arg\0bin"s};
  const auto expected = [&](long long count) {
    return redis_reply::array({redis_reply::string("counter"), redis_reply::string(args[0]),
                               redis_reply::integer(count)});
  };

  EXPECT_EQ(eval(connection, script, keys, args).value(), expected(1));
  EXPECT_EQ(run(connection, {"SCRIPT", "EXISTS", script.sha1()}),
            redis_reply::array({redis_reply::integer(1)}));

  ASSERT_TRUE(run(connection, {"SCRIPT", "FLUSH"}).is_status("OK"));  // as after a restart
  EXPECT_EQ(eval(connection, script, keys, args).value(), expected(2));
  EXPECT_EQ(run(connection, {"SCRIPT", "EXISTS", script.sha1()}),
            redis_reply::array({redis_reply::integer(1)}));
  EXPECT_EQ(eval(connection, script, keys, args).value(), expected(3));

  // EVALSHA every time; EVAL only when the cache lacked the script (first use, after the flush).
  EXPECT_EQ(command_stats("evalsha").find("calls=3,"), 0u) << command_stats("evalsha");
  EXPECT_NE(command_stats("evalsha").find("failed_calls=2"), std::string::npos)
      << command_stats("evalsha");
  EXPECT_EQ(command_stats("eval").find("calls=2,"), 0u) << command_stats("eval");
}

TEST_F(RedisConnectionTest, ScriptErrorsAreReplies) {
  auto connection = connect_or_throw(endpoint_);
  const redis_script script("return redis.call('INCR', KEYS[1])");
  ASSERT_TRUE(run(connection, {"SET", "text", "not a number"}).is_status("OK"));
  const std::vector<std::string> keys = {"text"};
  auto reply = eval(connection, script, keys, {});
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_TRUE(reply->is_error()) << describe(*reply);
  EXPECT_FALSE(connection.is_broken());
}

class RedisAuthTest : public ::testing::Test {
 protected:
  redis_server server_{redis_server::options{.requirepass = "right-pw-1234"}};
  redis_endpoint endpoint_ = parse_or_throw(server_.url());
};

TEST_F(RedisAuthTest, AuthenticatesWithRequirepass) {
  endpoint_.password = "right-pw-1234";
  auto connection = connect_or_throw(endpoint_);
  EXPECT_TRUE(run(connection, {"PING"}).is_status("PONG"));
}

TEST_F(RedisAuthTest, WrongPasswordFailsWithAuthAndIsNotEchoed) {
  endpoint_.password = "wrong-pw-5678";
  auto connected = redis_connection::connect(endpoint_, connect_timeout, command_timeout);
  ASSERT_FALSE(connected);
  EXPECT_EQ(connected.error().code, redis_errc::auth) << connected.error().message;
  EXPECT_EQ(connected.error().message.find("wrong-pw"), std::string::npos)
      << connected.error().message;
}

TEST_F(RedisAuthTest, MissingPasswordShowsAsNoauthReplies) {
  auto connection = connect_or_throw(endpoint_);
  EXPECT_TRUE(run(connection, {"PING"}).is_error_with_prefix("NOAUTH"));

  endpoint_.db = 1;  // SELECT is the first command that needs auth
  auto connected = redis_connection::connect(endpoint_, connect_timeout, command_timeout);
  ASSERT_FALSE(connected);
  EXPECT_EQ(connected.error().code, redis_errc::auth) << connected.error().message;
}

TEST_F(RedisAuthTest, AuthenticatesAsAnAclUser) {
  ASSERT_EQ(server_.cli({"ACL", "SETUSER", "optimizer", "on", ">user-pw-42", "~*", "+@all"}), "OK");
  auto endpoint = parse_or_throw(
      "redis://optimizer:user-pw-42@127.0.0.1:" + std::to_string(server_.port()) + "/2");
  auto connection = connect_or_throw(endpoint);
  EXPECT_EQ(run(connection, {"ACL", "WHOAMI"}), redis_reply::string("optimizer"));
  ASSERT_TRUE(run(connection, {"SET", "k", "v"}).is_status("OK"));
  EXPECT_EQ(server_.cli({"-n", "2", "GET", "k"}), "v");

  endpoint.password = "not-the-user-pw";
  auto rejected = redis_connection::connect(endpoint, connect_timeout, command_timeout);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().code, redis_errc::auth) << rejected.error().message;
}

TEST(RedisUnixSocketTest, ConnectsOverAUnixSocketWithDb) {
  redis_server server{redis_server::options{.unix_socket = true}};
  auto connection =
      connect_or_throw(parse_or_throw("unix://" + server.unix_socket_path() + "?db=4"));
  ASSERT_TRUE(run(connection, {"SET", "over-unix", "1"}).is_status("OK"));
  EXPECT_EQ(server.cli({"-n", "4", "GET", "over-unix"}), "1");
}

class RedisOptimisticUpdateTest : public RedisConnectionTest {
 protected:
  // Reads the counter under WATCH and writes counter + 1, logging the value it read.
  static std::vector<redis_command> increment(redis_connection& connection) {
    const auto current = run(connection, {"GET", "counter"}).to_integer().value_or(0);
    return {{"SET", "counter", std::to_string(current + 1)},
            {"RPUSH", "attempts", std::to_string(current)}};
  }
  const std::vector<std::string> watch_keys_ = {"counter"};
};

TEST_F(RedisOptimisticUpdateTest, RetriesWhenAConcurrentWriterChangesAWatchedKey) {
  auto connection = connect_or_throw(endpoint_);
  auto other = connect_or_throw(endpoint_);
  ASSERT_TRUE(run(connection, {"SET", "counter", "10"}).is_status("OK"));
  int calls = 0;
  auto result = optimistic_update(
      connection, watch_keys_,
      [&](redis_connection& c) -> std::optional<std::vector<redis_command>> {
        auto commands = increment(c);
        // The concurrent writer strikes after our read, before our EXEC: once.
        if (++calls == 1) (void)run(other, {"SET", "counter", "100"});
        return commands;
      },
      3);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(*result);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(run(other, {"GET", "counter"}), redis_reply::string("101"));
  // Only the second attempt's writes landed.
  EXPECT_EQ(run(other, {"LRANGE", "attempts", "0", "-1"}),
            redis_reply::array({redis_reply::string("100")}));
}

TEST_F(RedisOptimisticUpdateTest, GivesUpWithConflictAfterMaxAttempts) {
  auto connection = connect_or_throw(endpoint_);
  auto other = connect_or_throw(endpoint_);
  int calls = 0;
  auto result = optimistic_update(
      connection, watch_keys_,
      [&](redis_connection& c) -> std::optional<std::vector<redis_command>> {
        auto commands = increment(c);
        (void)run(other, {"INCR", "counter"});
        ++calls;
        return commands;
      },
      3);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, redis_errc::conflict) << result.error().message;
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(run(other, {"GET", "counter"}), redis_reply::string("3"));
  EXPECT_EQ(run(other, {"EXISTS", "attempts"}), redis_reply::integer(0));
}

TEST_F(RedisOptimisticUpdateTest, NulloptWritesNothingAndUnwatches) {
  auto connection = connect_or_throw(endpoint_);
  auto other = connect_or_throw(endpoint_);
  auto result = optimistic_update(
      connection, watch_keys_,
      [&](redis_connection&) -> std::optional<std::vector<redis_command>> { return std::nullopt; },
      3);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_FALSE(*result);
  // Had the WATCH survived, this change would make the next transaction fail.
  ASSERT_TRUE(run(other, {"SET", "counter", "5"}).is_status("OK"));
  auto replies = connection.pipeline({{"MULTI"}, {"SET", "counter", "6"}, {"EXEC"}});
  ASSERT_TRUE(replies);
  EXPECT_TRUE(replies->back().is_array()) << describe(replies->back());
}

TEST_F(RedisOptimisticUpdateTest, ReportsACommandThatFailsInsideTheTransaction) {
  auto connection = connect_or_throw(endpoint_);
  ASSERT_TRUE(run(connection, {"SET", "counter", "text"}).is_status("OK"));
  auto failing = optimistic_update(
      connection, watch_keys_,
      [&](redis_connection&) -> std::optional<std::vector<redis_command>> {
        return std::vector<redis_command>{{"INCR", "counter"}};
      },
      3);
  ASSERT_FALSE(failing);
  EXPECT_EQ(failing.error().code, redis_errc::server);
  EXPECT_NE(failing.error().message.find("not an integer"), std::string::npos)
      << failing.error().message;

  auto aborted = optimistic_update(
      connection, watch_keys_,
      [&](redis_connection&) -> std::optional<std::vector<redis_command>> {
        return std::vector<redis_command>{{"SET", "counter"}};  // wrong arity: EXECABORT
      },
      3);
  ASSERT_FALSE(aborted);
  EXPECT_EQ(aborted.error().code, redis_errc::server);
  EXPECT_NE(aborted.error().message.find("wrong number of arguments"), std::string::npos)
      << aborted.error().message;
  EXPECT_FALSE(connection.is_broken());
}

}  // namespace
}  // namespace index_optimizer
