#include "redis/reply_tree.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <utility>

namespace index_optimizer {

// Bump allocation in blocks that only grow: a tree is freed whole. Blocks double from 4 KiB to
// 256 KiB, so a small reply costs one allocation and an XREADGROUP of 500 entries a handful; a
// string larger than half a block gets a block of its own, leaving the current one in use.
class reply_arena {
 public:
  void* allocate(std::size_t bytes, std::size_t alignment) {
    auto at = reinterpret_cast<std::uintptr_t>(at_);
    auto aligned = (at + alignment - 1) & ~(std::uintptr_t{alignment} - 1);
    if (at_ == nullptr || aligned + bytes > reinterpret_cast<std::uintptr_t>(end_)) {
      if (bytes + alignment > next_block_ / 2) return dedicated(bytes);
      start_block();
      at = reinterpret_cast<std::uintptr_t>(at_);
      aligned = (at + alignment - 1) & ~(std::uintptr_t{alignment} - 1);
    }
    at_ = reinterpret_cast<std::byte*>(aligned + bytes);
    return reinterpret_cast<void*>(aligned);
  }

 private:
  static constexpr std::size_t k_first_block = 4096;
  static constexpr std::size_t k_largest_block = 256 * 1024;

  void start_block() {
    blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(next_block_));
    at_ = blocks_.back().get();
    end_ = at_ + next_block_;
    next_block_ = std::min(next_block_ * 2, k_largest_block);
  }
  void* dedicated(std::size_t bytes) {
    // max_align_t-aligned by operator new[], whatever the requested alignment (at most 8 here).
    blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(std::max<std::size_t>(bytes, 1)));
    return blocks_.back().get();
  }

  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::byte* at_ = nullptr;
  std::byte* end_ = nullptr;
  std::size_t next_block_ = k_first_block;
};

namespace {

const reply_node k_nil_node{};

}  // namespace

std::string_view reply_node::as_string() const noexcept {
  if (kind_ != kind::string && kind_ != kind::status && kind_ != kind::error) return {};
  return {static_cast<const char*>(data_), size_};
}

std::span<const reply_node> reply_node::as_array() const noexcept {
  if (kind_ != kind::array) return {};
  return {static_cast<const reply_node*>(data_), size_};
}

reply_tree::reply_tree() : root_(&k_nil_node) {}
reply_tree::reply_tree(std::unique_ptr<reply_arena> arena, const reply_node* root) noexcept
    : arena_(std::move(arena)), root_(root) {}
reply_tree::reply_tree(reply_tree&& other) noexcept
    : arena_(std::move(other.arena_)), root_(std::exchange(other.root_, &k_nil_node)) {}
reply_tree& reply_tree::operator=(reply_tree&& other) noexcept {
  arena_ = std::move(other.arena_);
  root_ = std::exchange(other.root_, &k_nil_node);
  return *this;
}
reply_tree::~reply_tree() = default;

redis_reply to_redis_reply(const reply_node& node) {
  switch (node.type()) {
    case reply_node::kind::nil:
      return redis_reply::nil();
    case reply_node::kind::integer:
      return redis_reply::integer(node.as_integer());
    case reply_node::kind::string:
      return redis_reply::string(std::string(node.as_string()));
    case reply_node::kind::status:
      return redis_reply::status(std::string(node.as_string()));
    case reply_node::kind::error:
      return redis_reply::error(std::string(node.as_string()));
    case reply_node::kind::array: {
      std::vector<redis_reply> elements;
      elements.reserve(node.as_array().size());
      for (const auto& element : node.as_array())
        elements.push_back(to_redis_reply(element));
      return redis_reply::array(std::move(elements));
    }
  }
  return redis_reply::nil();
}

reply_tree_builder::reply_tree_builder() : arena_(std::make_unique<reply_arena>()) {}
reply_tree_builder::~reply_tree_builder() = default;

void reply_tree_builder::attach(redisReader& reader) noexcept {
  static redisReplyObjectFunctions functions{&create_string, &create_array, &create_integer,
                                             &create_nil, &free_object};
  reader.fn = &functions;
  reader.privdata = this;
  // hiredis frees its input buffer after every reply larger than maxbuf (16 KiB) and grows it
  // again for the next: keep it instead; it holds at most one reply plus one read.
  reader.maxbuf = 0;
}

reply_tree reply_tree_builder::take(void* reply) {
  reply_tree tree(std::move(arena_), static_cast<const reply_node*>(reply));
  arena_ = std::make_unique<reply_arena>();
  return tree;
}

void reply_tree_builder::discard() {
  arena_ = std::make_unique<reply_arena>();
}

// An element of an array fills the slot its parent reserved; a reply on its own gets a node.
reply_node* reply_tree_builder::node_for(const redisReadTask* task) {
  if (task->parent != nullptr) {
    auto* parent = static_cast<reply_node*>(task->parent->obj);
    return const_cast<reply_node*>(static_cast<const reply_node*>(parent->data_)) + task->idx;
  }
  return new (arena_->allocate(sizeof(reply_node), alignof(reply_node))) reply_node{};
}

// The callbacks run inside hiredis (C): nothing may throw through it, so an allocation failure
// is reported the hiredis way, as a null object (REDIS_ERR_OOM).
void* reply_tree_builder::create_string(const redisReadTask* task, char* text, std::size_t length) {
  auto& self = *static_cast<reply_tree_builder*>(task->privdata);
  try {
    reply_node* node = self.node_for(task);
    char* copy = static_cast<char*>(self.arena_->allocate(length, 1));
    if (length > 0) std::memcpy(copy, text, length);
    node->kind_ = task->type == REDIS_REPLY_ERROR    ? reply_node::kind::error
                  : task->type == REDIS_REPLY_STATUS ? reply_node::kind::status
                                                     : reply_node::kind::string;
    node->size_ = length;
    node->data_ = copy;
    return node;
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

void* reply_tree_builder::create_array(const redisReadTask* task, int elements) {
  auto& self = *static_cast<reply_tree_builder*>(task->privdata);
  try {
    reply_node* node = self.node_for(task);
    const auto count = static_cast<std::size_t>(std::max(elements, 0));
    auto* children = static_cast<reply_node*>(
        self.arena_->allocate(count * sizeof(reply_node), alignof(reply_node)));
    for (std::size_t i = 0; i < count; ++i)
      new (children + i) reply_node{};
    node->kind_ = reply_node::kind::array;
    node->size_ = count;
    node->data_ = children;
    return node;
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

void* reply_tree_builder::create_integer(const redisReadTask* task, long long value) {
  auto& self = *static_cast<reply_tree_builder*>(task->privdata);
  try {
    reply_node* node = self.node_for(task);
    node->kind_ = reply_node::kind::integer;
    node->integer_ = value;
    return node;
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

void* reply_tree_builder::create_nil(const redisReadTask* task) {
  auto& self = *static_cast<reply_tree_builder*>(task->privdata);
  try {
    return self.node_for(task);  // already nil
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

// Nodes belong to the arena: hiredis' own frees (of a partial reply after an error, or of a reply
// still held when the reader is freed) have nothing to do.
void reply_tree_builder::free_object(void* /*object*/) {}

}  // namespace index_optimizer
