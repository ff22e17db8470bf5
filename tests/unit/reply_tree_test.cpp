#include "redis/reply_tree.hpp"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ingest/stream_entries.hpp"

namespace index_optimizer {
namespace {

using namespace std::string_literals;

// A hiredis reader building reply trees, fed RESP bytes: the path every live reply takes.
class tree_reader {
 public:
  tree_reader() : reader_(redisReaderCreate(), &redisReaderFree) { builder_.attach(*reader_); }

  void feed(const std::string& bytes) {
    if (redisReaderFeed(reader_.get(), bytes.data(), bytes.size()) != REDIS_OK) {
      throw std::runtime_error("feed failed");
    }
  }
  // The next complete reply, or nothing when the bytes fed so far end mid-reply.
  std::optional<reply_tree> next() {
    void* raw = nullptr;
    if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) {
      builder_.discard();
      throw std::runtime_error("invalid RESP");
    }
    if (raw == nullptr) return std::nullopt;
    return builder_.take(raw);
  }
  reply_tree parse(const std::string& bytes) {
    feed(bytes);
    auto tree = next();
    if (!tree) throw std::runtime_error("incomplete RESP");
    return std::move(*tree);
  }

 private:
  reply_tree_builder builder_;
  std::unique_ptr<redisReader, decltype(&redisReaderFree)> reader_;
};

TEST(ReplyTree, HoldsEveryScalarKind) {
  tree_reader reader;
  EXPECT_TRUE(reader.parse("$-1\r\n").root().is_nil());
  EXPECT_TRUE(reader.parse("*-1\r\n").root().is_nil());
  const auto integer = reader.parse(":-42\r\n");
  ASSERT_TRUE(integer.root().is_integer());
  EXPECT_EQ(integer.root().as_integer(), -42);
  const auto status = reader.parse("+OK\r\n");
  EXPECT_TRUE(status.root().is_status());
  EXPECT_EQ(status.root().as_string(), "OK");
  const auto error = reader.parse("-WRONGTYPE Operation against a key\r\n");
  EXPECT_TRUE(error.root().is_error());
  EXPECT_EQ(to_redis_reply(error.root()), redis_reply::error("WRONGTYPE Operation against a key"));
  const std::string binary = "a\0b\r\nc\xff"s;
  const auto text = reader.parse("$7\r\n" + binary + "\r\n");
  EXPECT_TRUE(text.root().is_string());
  EXPECT_EQ(text.root().as_string(), binary);
  EXPECT_EQ(reader.parse("$0\r\n\r\n").root().as_string(), "");
}

TEST(ReplyTree, NestedArraysWithNilsAndEmptyArraysConvertToTheSameRedisReply) {
  tree_reader reader;
  const auto tree = reader.parse(
      "*3\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n*-1\r\n*0\r\n");
  const auto expected = redis_reply::array(
      {redis_reply::array(
           {redis_reply::string("s"),
            redis_reply::array({redis_reply::array(
                {redis_reply::string("1-0"),
                 redis_reply::array({redis_reply::string("f"), redis_reply::string("v")})})})}),
       redis_reply::nil(), redis_reply::array({})});
  EXPECT_EQ(to_redis_reply(tree.root()), expected) << describe(to_redis_reply(tree.root()));
  const auto& root = tree.root();
  ASSERT_EQ(root.as_array().size(), 3u);
  EXPECT_TRUE(root.as_array()[2].is_array());
  EXPECT_TRUE(root.as_array()[2].as_array().empty());
  EXPECT_EQ(root.as_array()[0].as_array()[1].as_array()[0].as_array()[1].as_array()[1].as_string(),
            "v");
}

TEST(ReplyTree, AccessorsOfTheWrongKindAreEmpty) {
  tree_reader reader;
  const auto tree = reader.parse(":5\r\n");
  EXPECT_EQ(tree.root().as_string(), "");
  EXPECT_TRUE(tree.root().as_array().empty());
  EXPECT_EQ(reply_tree().root().as_integer(), 0);
  EXPECT_TRUE(reply_tree().root().is_nil());
}

// Replies arrive in pieces (16 KiB reads, pipelined replies back to back): a reply split
// anywhere, and larger than any arena block, comes out whole; the next one starts a new tree
// while the first stays valid.
TEST(ReplyTree, RepliesFedInPiecesLargerThanABlockComeOutWholeAndIndependent) {
  std::string resp = "*3000\r\n";
  std::vector<std::string> values;
  for (int i = 0; i < 3000; ++i) {
    values.push_back("value-" + std::to_string(i) +
                     std::string(static_cast<std::size_t>(i % 97), 'x'));
    resp += "$" + std::to_string(values.back().size()) + "\r\n" + values.back() + "\r\n";
  }
  const std::string big(600 * 1024, 'b');
  resp += "$" + std::to_string(big.size()) + "\r\n" + big + "\r\n";
  resp += "*2\r\n:1\r\n$2\r\nhi\r\n";

  tree_reader reader;
  std::vector<reply_tree> trees;
  for (std::size_t at = 0; at < resp.size(); at += 1000) {
    reader.feed(resp.substr(at, 1000));
    while (auto tree = reader.next())
      trees.push_back(std::move(*tree));
  }
  ASSERT_EQ(trees.size(), 3u);
  const auto elements = trees[0].root().as_array();
  ASSERT_EQ(elements.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    ASSERT_EQ(elements[i].as_string(), values[i]) << i;
  EXPECT_EQ(trees[1].root().as_string(), big);
  EXPECT_EQ(to_redis_reply(trees[2].root()),
            redis_reply::array({redis_reply::integer(1), redis_reply::string("hi")}));
  // Moving a tree keeps what its nodes view.
  reply_tree moved = std::move(trees[0]);
  EXPECT_EQ(moved.root().as_array()[2999].as_string(), values[2999]);
  EXPECT_TRUE(trees[0].root().is_nil());
}

TEST(ReplyTree, AProtocolErrorLeavesTheReaderFailedWithoutLeaking) {
  tree_reader reader;
  reader.feed("*2\r\n$1\r\na\r\n");
  EXPECT_FALSE(reader.next()) << "half an array is no reply yet";
  reader.feed("!bogus\r\n");
  EXPECT_THROW(reader.next(), std::runtime_error);
}

TEST(ReplyTree, XreadgroupRepliesParseAsFromARedisReply) {
  tree_reader reader;
  const auto tree = reader.parse(
      "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n"
      "*2\r\n$3\r\n1-0\r\n*4\r\n$9\r\nnamespace\r\n$1\r\na\r\n$6\r\nfilter\r\n$2\r\n{}\r\n"
      "*2\r\n$3\r\n2-0\r\n*-1\r\n");
  std::vector<stream_entry_view> entries;
  ASSERT_TRUE(parse_xreadgroup_reply(tree.root(), entries));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].id, "1-0");
  EXPECT_EQ(entries[0].parsed_id, (stream_id{1, 0}));
  ASSERT_EQ(entries[0].fields.size(), 2u);
  EXPECT_EQ(entries[0].fields[1], (entry_field{"filter", "{}"}));
  EXPECT_TRUE(entries[1].deleted);
  // The vector is reused: a shorter reply leaves exactly its entries.
  const auto one =
      reader.parse("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n");
  ASSERT_TRUE(parse_xreadgroup_reply(one.root(), entries));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].id, "3-0");
  EXPECT_FALSE(entries[0].deleted);
  EXPECT_EQ(entries[0].fields, (std::vector<entry_field>{{"f", "v"}}));
  ASSERT_TRUE(parse_xreadgroup_reply(reader.parse("*-1\r\n").root(), entries));
  EXPECT_TRUE(entries.empty());
  EXPECT_FALSE(parse_xreadgroup_reply(reader.parse(":1\r\n").root(), entries));
}

}  // namespace
}  // namespace index_optimizer
