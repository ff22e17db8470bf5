#include "redis/optimistic_update.hpp"

namespace index_optimizer {
namespace {

redis_error server_error(const std::string& what, const redis_reply& reply) {
  return {redis_errc::server, "redis " + what + " failed: " + describe(reply)};
}

}  // namespace

redis_result<bool> optimistic_update(redis_connection& connection,
                                     std::span<const std::string> watch_keys,
                                     const optimistic_update_builder& build_commands,
                                     int max_attempts) {
  if (watch_keys.empty() || max_attempts < 1) {
    return redis_error{redis_errc::invalid_argument,
                       "optimistic_update needs at least one watch key and one attempt"};
  }
  std::vector<std::string_view> watch{"WATCH"};
  watch.insert(watch.end(), watch_keys.begin(), watch_keys.end());

  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    auto watched = connection.command(std::span<const std::string_view>(watch));
    if (!watched) return watched.error();
    if (!watched->is_status("OK")) return server_error("WATCH", *watched);

    auto commands = build_commands(connection);
    if (connection.is_broken()) {
      return redis_error{redis_errc::io, "redis connection to " + connection.peer() +
                                             " broke while reading for an optimistic update"};
    }
    if (!commands || commands->empty()) {
      auto unwatched = connection.command({"UNWATCH"});
      if (!unwatched) return unwatched.error();
      return commands.has_value();
    }

    std::vector<redis_command> transaction;
    transaction.reserve(commands->size() + 2);
    transaction.push_back({"MULTI"});
    for (auto& command : *commands)
      transaction.push_back(std::move(command));
    transaction.push_back({"EXEC"});
    auto replies = connection.pipeline(transaction);
    if (!replies) return replies.error();

    const redis_reply& exec = replies->back();
    if (exec.is_nil()) continue;  // a watched key changed: re-read and try again
    if (!exec.is_array()) {
      // EXECABORT: a command was rejected while queueing; its own reply says why.
      for (const auto& reply : *replies) {
        if (reply.is_error()) return server_error("MULTI/EXEC", reply);
      }
      return server_error("EXEC", exec);
    }
    for (const auto& reply : exec.as_array()) {
      if (reply.is_error()) return server_error("a command inside MULTI/EXEC", reply);
    }
    return true;
  }
  return redis_error{redis_errc::conflict, "optimistic update gave up after " +
                                               std::to_string(max_attempts) +
                                               " attempts: the watched keys kept changing"};
}

}  // namespace index_optimizer
