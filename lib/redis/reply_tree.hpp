#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "redis/redis_reply.hpp"

struct redisReader;    // hiredis
struct redisReadTask;  // hiredis

namespace index_optimizer {

class reply_arena;

// One element of a reply_tree: nil, integer, bulk string, status, error or an array. Strings and
// elements live in the tree's arena and are valid as long as the tree is.
class reply_node {
 public:
  using kind = redis_reply::kind;

  kind type() const noexcept { return kind_; }
  bool is_nil() const noexcept { return kind_ == kind::nil; }
  bool is_integer() const noexcept { return kind_ == kind::integer; }
  bool is_string() const noexcept { return kind_ == kind::string; }
  bool is_status() const noexcept { return kind_ == kind::status; }
  bool is_error() const noexcept { return kind_ == kind::error; }
  bool is_array() const noexcept { return kind_ == kind::array; }

  // Lenient on purpose (the parsers check the kind first): 0, an empty string or an empty array
  // for a node of another kind.
  long long as_integer() const noexcept { return kind_ == kind::integer ? integer_ : 0; }
  std::string_view as_string() const noexcept;  // bulk string, status text or error message
  std::span<const reply_node> as_array() const noexcept;

 private:
  friend class reply_tree_builder;

  kind kind_ = kind::nil;
  long long integer_ = 0;
  std::size_t size_ = 0;        // bytes of a string, elements of an array
  const void* data_ = nullptr;  // const char* or const reply_node*
};

// A reply parsed by hiredis straight into an arena: every string and element of a reply of any
// size in a few large blocks, rather than one heap allocation per element (which, with the copy
// into a redis_reply and the frees, cost more than anything else the stream consumer did for an
// XREADGROUP of 500 entries). Move-only; what root() views lives as long as the tree.
class reply_tree {
 public:
  reply_tree();  // nil
  reply_tree(reply_tree&&) noexcept;
  reply_tree& operator=(reply_tree&&) noexcept;
  ~reply_tree();

  const reply_node& root() const noexcept { return *root_; }

 private:
  friend class reply_tree_builder;
  reply_tree(std::unique_ptr<reply_arena> arena, const reply_node* root) noexcept;

  std::unique_ptr<reply_arena> arena_;
  const reply_node* root_;
};

// An owned copy (for replies that outlive their tree, or callers that want redis_reply).
redis_reply to_redis_reply(const reply_node& node);

// Makes a hiredis reader build reply_trees. attach() installs this builder's object functions
// on `reader`; after redisReaderGetReply (or redisGetReply) hands out a reply, take() turns it
// into a reply_tree and starts a fresh arena for the next. The builder must outlive the reader's
// use of it and stay at one address (hiredis keeps a pointer). Not for readers whose replies are
// freed with freeReplyObject.
class reply_tree_builder {
 public:
  reply_tree_builder();
  reply_tree_builder(const reply_tree_builder&) = delete;
  reply_tree_builder& operator=(const reply_tree_builder&) = delete;
  ~reply_tree_builder();

  void attach(redisReader& reader) noexcept;
  // `reply` is what the reader returned (non-null).
  reply_tree take(void* reply);
  // After a reader error: drops whatever a partial reply built.
  void discard();

 private:
  static void* create_string(const ::redisReadTask* task, char* text, std::size_t length);
  static void* create_array(const ::redisReadTask* task, int elements);
  static void* create_integer(const ::redisReadTask* task, long long value);
  static void* create_nil(const ::redisReadTask* task);
  static void free_object(void* object);
  reply_node* node_for(const ::redisReadTask* task);

  std::unique_ptr<reply_arena> arena_;
};

}  // namespace index_optimizer
