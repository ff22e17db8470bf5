#pragma once

#include <chrono>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "redis/redis_endpoint.hpp"
#include "redis/redis_error.hpp"
#include "redis/redis_reply.hpp"
#include "redis/reply_tree.hpp"

struct redisContext;  // hiredis

namespace index_optimizer {

using redis_command = std::vector<std::string>;

// One blocking hiredis connection, used by one thread at a time. Every call is bounded by the
// socket timeout, so a dead or hung server costs at most that long.
//
// A server error reply (`-ERR ...`, `-WRONGTYPE ...`) is returned as a redis_reply and leaves the
// connection usable. An io/timeout/protocol error breaks it: the reply stream can no longer be
// matched to the commands (after a timeout, the late reply would answer the next command), so
// every later call fails fast and the owner must drop it and connect again.
class redis_connection {
 public:
  // Connects, enables TCP keepalive, sends AUTH (when the endpoint has a password) and SELECT
  // (when db != 0). connect_timeout bounds the whole handshake; command_timeout then applies to
  // each later call. DNS resolution of the host is not covered by the timeout (hiredis resolves
  // with a blocking getaddrinfo), so prefer IP addresses or a local resolver.
  static redis_result<redis_connection> connect(const redis_endpoint& endpoint,
                                                std::chrono::milliseconds connect_timeout,
                                                std::chrono::milliseconds command_timeout);

  redis_connection(redis_connection&&) noexcept;
  redis_connection& operator=(redis_connection&&) noexcept;
  redis_connection(const redis_connection&) = delete;
  redis_connection& operator=(const redis_connection&) = delete;
  ~redis_connection();

  // Sends one command, argv-style: each element is one argument, sent length-prefixed (binary
  // safe, no quoting or splitting).
  redis_result<redis_reply> command(std::initializer_list<std::string_view> argv);
  redis_result<redis_reply> command(std::span<const std::string> argv);
  redis_result<redis_reply> command(std::span<const std::string_view> argv);

  // Sends every command before reading any reply (one round trip); replies in command order.
  // Error replies stay in the vector; an I/O error fails the whole pipeline.
  redis_result<std::vector<redis_reply>> pipeline(const std::vector<redis_command>& commands);

  // Pipelining without waiting for the replies, so the caller can work while the server does:
  // append() queues a command, flush() writes everything queued, read_reply() reads the next
  // reply in command order (writing first whatever is still queued). The caller matches replies
  // to commands; command() and pipeline() must not be called while replies are outstanding.
  redis_result<void> append(std::span<const std::string_view> argv);
  redis_result<void> append(std::initializer_list<std::string_view> argv);
  redis_result<void> flush();
  redis_result<redis_reply> read_reply();
  // The same, without copying: the reply as parsed, for large replies read on a hot path.
  redis_result<reply_tree> read_reply_tree();

  bool is_broken() const noexcept;

  // The socket timeout for later calls. A blocking command (XREADGROUP ... BLOCK ms, BLPOP) needs
  // a timeout comfortably above its block time, or it fails with redis_errc::timeout and breaks
  // the connection. Zero or negative is rejected: no call may wait forever.
  redis_result<void> set_timeout(std::chrono::milliseconds timeout);
  std::chrono::milliseconds timeout() const noexcept { return timeout_; }

  // The endpoint as a log-safe URL (password masked).
  const std::string& peer() const noexcept { return peer_; }

 private:
  struct context_deleter {
    void operator()(redisContext* context) const noexcept;
  };

  redis_connection(redisContext* context, std::string peer);
  redis_error fail(std::string_view during);
  redis_result<redis_reply> read_reply_during(std::string_view during);
  redis_result<reply_tree> read_tree_during(std::string_view during);
  redis_error broken_error() const;

  // Declared first, so it outlives the context whose reader points to it.
  std::unique_ptr<reply_tree_builder> builder_;
  std::unique_ptr<redisContext, context_deleter> context_;
  std::string peer_;
  std::chrono::milliseconds timeout_{0};
  bool broken_ = false;
};

}  // namespace index_optimizer
