#pragma once

#include <span>
#include <string>

#include "redis/redis_connection.hpp"

namespace index_optimizer {

// A Lua script and its SHA1, computed once so calls can send the 40-byte digest instead of the
// source.
class redis_script {
 public:
  explicit redis_script(std::string source);

  const std::string& source() const noexcept { return source_; }
  const std::string& sha1() const noexcept { return sha1_; }  // lowercase hex, as Redis prints it

 private:
  std::string source_;
  std::string sha1_;
};

// Runs the script with EVALSHA; on NOSCRIPT (the server's script cache is empty after a restart,
// a failover or SCRIPT FLUSH) it sends EVAL once, which also caches the script again. The
// script's own errors come back as error replies, like any command's.
redis_result<redis_reply> eval(redis_connection& connection, const redis_script& script,
                               std::span<const std::string> keys,
                               std::span<const std::string> args);

}  // namespace index_optimizer
