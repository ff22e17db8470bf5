#include "redis/redis_connection.hpp"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

namespace index_optimizer {
namespace {

using clock = std::chrono::steady_clock;

timeval to_timeval(std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  return tv;
}

// hiredis 0.14 reports a socket timeout as REDIS_ERR_IO with strerror(EAGAIN) (read/write
// timeout) or strerror(ETIMEDOUT) (connect timeout); it has no dedicated error kind.
bool is_timeout(const redisContext& context, int saved_errno) {
  if (context.err != REDIS_ERR_IO) return false;
  if (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK || saved_errno == ETIMEDOUT) return true;
  return std::strcmp(context.errstr, std::strerror(EAGAIN)) == 0 ||
         std::strcmp(context.errstr, std::strerror(ETIMEDOUT)) == 0;
}

redis_error error_from_context(const redisContext& context, int saved_errno,
                               std::string_view during, const std::string& peer) {
  const std::string where = "redis " + std::string(during) + " on " + peer + ": ";
  if (is_timeout(context, saved_errno)) {
    return {redis_errc::timeout, where + "timed out (" + context.errstr + ")"};
  }
  switch (context.err) {
    case REDIS_ERR_EOF:
      return {redis_errc::io, where + "server closed the connection"};
    case REDIS_ERR_PROTOCOL:
    case REDIS_ERR_OOM:
      return {redis_errc::protocol, where + context.errstr};
    default:
      return {redis_errc::io, where + context.errstr};
  }
}

// hiredis writes with plain write(): once the server is gone, a second write on the socket
// raises SIGPIPE, whose default action kills the whole daemon. Ignoring it turns that into
// EPIPE, an ordinary I/O error. A disposition someone else chose (a handler) is left alone.
void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      ::signal(SIGPIPE, SIG_IGN);
    }
  });
}

}  // namespace

void redis_connection::context_deleter::operator()(redisContext* context) const noexcept {
  redisFree(context);
}

redis_connection::redis_connection(redisContext* context, std::string peer)
    : builder_(std::make_unique<reply_tree_builder>()), context_(context), peer_(std::move(peer)) {
  // Every reply is parsed into an arena (redis/reply_tree.hpp): one allocation per few hundred
  // KiB of reply instead of one per element.
  if (context_->reader != nullptr) builder_->attach(*context_->reader);
}

redis_connection::redis_connection(redis_connection&&) noexcept = default;
redis_connection& redis_connection::operator=(redis_connection&&) noexcept = default;
redis_connection::~redis_connection() = default;

redis_result<redis_connection> redis_connection::connect(
    const redis_endpoint& endpoint, std::chrono::milliseconds connect_timeout,
    std::chrono::milliseconds command_timeout) {
  if (connect_timeout.count() <= 0 || command_timeout.count() <= 0) {
    return redis_error{redis_errc::invalid_argument, "redis timeouts must be positive"};
  }
  ignore_sigpipe_once();
  const auto deadline = clock::now() + connect_timeout;
  std::string peer = to_string(endpoint);
  errno = 0;
  redisContext* raw =
      endpoint.is_unix()
          ? redisConnectUnixWithTimeout(endpoint.unix_path.c_str(), to_timeval(connect_timeout))
          : redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port,
                                    to_timeval(connect_timeout));
  const int saved_errno = errno;
  if (raw == nullptr) {
    return redis_error{redis_errc::io, "redis connect to " + peer + ": out of memory"};
  }
  redis_connection connection(raw, std::move(peer));
  if (raw->err != 0) {
    return error_from_context(*raw, saved_errno, "connect", connection.peer_);
  }
  if (!endpoint.is_unix() && redisEnableKeepAlive(raw) != REDIS_OK) {
    return connection.fail("enabling TCP keepalive");
  }

  // Each handshake step gets what is left of connect_timeout, so a server that accepts but never
  // answers still fails within connect_timeout.
  const auto handshake = [&](std::initializer_list<std::string_view> argv,
                             std::string_view step) -> redis_result<void> {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    if (auto set = connection.set_timeout(std::max(left, std::chrono::milliseconds(1))); !set) {
      return set.error();
    }
    auto reply = connection.command(argv);
    if (!reply) return reply.error();
    if (!reply->is_error()) return {};
    const bool auth_problem = reply->is_error_with_prefix("WRONGPASS") ||
                              reply->is_error_with_prefix("NOAUTH") || step == "AUTH";
    return redis_error{auth_problem ? redis_errc::auth : redis_errc::server,
                       "redis " + std::string(step) + " on " + connection.peer_ +
                           " was rejected: " + reply->as_string()};
  };
  if (!endpoint.password.empty()) {
    auto auth = endpoint.username.empty()
                    ? handshake({"AUTH", endpoint.password}, "AUTH")
                    : handshake({"AUTH", endpoint.username, endpoint.password}, "AUTH");
    if (!auth) return auth.error();
  }
  if (endpoint.db != 0) {
    const std::string db = std::to_string(endpoint.db);
    if (auto select = handshake({"SELECT", db}, "SELECT " + db); !select) return select.error();
  }
  if (auto set = connection.set_timeout(command_timeout); !set) return set.error();
  return connection;
}

redis_error redis_connection::fail(std::string_view during) {
  const int saved_errno = errno;
  broken_ = true;
  if (!context_) return broken_error();
  return error_from_context(*context_, saved_errno, during, peer_);
}

redis_error redis_connection::broken_error() const {
  return {redis_errc::io,
          "redis connection to " + peer_ + " is broken by an earlier error; drop it and reconnect"};
}

bool redis_connection::is_broken() const noexcept {
  return broken_ || !context_ || context_->err != 0;
}

redis_result<void> redis_connection::set_timeout(std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0) {
    return redis_error{redis_errc::invalid_argument, "redis socket timeout must be positive"};
  }
  if (is_broken()) return broken_error();
  errno = 0;
  if (redisSetTimeout(context_.get(), to_timeval(timeout)) != REDIS_OK) {
    return fail("setting the socket timeout");
  }
  timeout_ = timeout;
  return {};
}

redis_result<redis_reply> redis_connection::command(std::initializer_list<std::string_view> argv) {
  return command(std::span<const std::string_view>(argv.begin(), argv.size()));
}

redis_result<redis_reply> redis_connection::command(std::span<const std::string> argv) {
  std::vector<std::string_view> views(argv.begin(), argv.end());
  return command(std::span<const std::string_view>(views));
}

redis_result<redis_reply> redis_connection::command(std::span<const std::string_view> argv) {
  // What redisCommandArgv does: queue, then read (which writes the queue first).
  if (auto appended = append(argv); !appended) return appended.error();
  return read_reply_during(argv.front());
}

redis_result<std::vector<redis_reply>> redis_connection::pipeline(
    const std::vector<redis_command>& commands) {
  for (const auto& command : commands) {
    if (command.empty()) {
      return redis_error{redis_errc::invalid_argument, "empty redis command in pipeline"};
    }
  }
  if (is_broken()) return broken_error();
  std::vector<const char*> pointers;
  std::vector<std::size_t> lengths;
  for (const auto& command : commands) {
    pointers.clear();
    lengths.clear();
    for (const auto& arg : command) {
      pointers.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    // Appending only formats into the output buffer; it fails only when out of memory.
    if (redisAppendCommandArgv(context_.get(), static_cast<int>(command.size()), pointers.data(),
                               lengths.data()) != REDIS_OK) {
      return fail("pipeline");
    }
  }
  std::vector<redis_reply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    auto tree = read_tree_during("pipeline");
    if (!tree) return tree.error();
    replies.push_back(to_redis_reply(tree->root()));
  }
  return replies;
}

redis_result<void> redis_connection::append(std::initializer_list<std::string_view> argv) {
  return append(std::span<const std::string_view>(argv.begin(), argv.size()));
}

redis_result<void> redis_connection::append(std::span<const std::string_view> argv) {
  if (argv.empty()) return redis_error{redis_errc::invalid_argument, "empty redis command"};
  if (is_broken()) return broken_error();
  std::vector<const char*> pointers;
  std::vector<std::size_t> lengths;
  pointers.reserve(argv.size());
  lengths.reserve(argv.size());
  for (const auto& arg : argv) {
    pointers.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  if (redisAppendCommandArgv(context_.get(), static_cast<int>(argv.size()), pointers.data(),
                             lengths.data()) != REDIS_OK) {
    return fail(std::string(argv.front()));
  }
  return {};
}

redis_result<void> redis_connection::flush() {
  if (is_broken()) return broken_error();
  int done = 0;
  while (done == 0) {
    errno = 0;
    if (redisBufferWrite(context_.get(), &done) != REDIS_OK) return fail("flush");
  }
  return {};
}

redis_result<redis_reply> redis_connection::read_reply() {
  return read_reply_during("reading a pipelined reply");
}

redis_result<reply_tree> redis_connection::read_reply_tree() {
  return read_tree_during("reading a pipelined reply");
}

redis_result<redis_reply> redis_connection::read_reply_during(std::string_view during) {
  auto tree = read_tree_during(during);
  if (!tree) return tree.error();
  return to_redis_reply(tree->root());
}

redis_result<reply_tree> redis_connection::read_tree_during(std::string_view during) {
  if (is_broken()) return broken_error();
  void* raw = nullptr;
  errno = 0;
  if (redisGetReply(context_.get(), &raw) != REDIS_OK || raw == nullptr) {
    builder_->discard();
    return fail(during);
  }
  return builder_->take(raw);
}

}  // namespace index_optimizer
