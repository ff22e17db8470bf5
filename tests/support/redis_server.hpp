#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace index_optimizer::testing {

// A private redis-server (the Debian package's binary) on a free loopback port with its data in a
// temporary directory. Tests talk to it over real sockets.
class redis_server {
 public:
  struct options {
    bool append_only = false;  // AOF persistence, for crash/restart tests
  };
  redis_server();
  explicit redis_server(options opts);
  ~redis_server();

  unsigned short port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }

  void stop();     // SHUTDOWN-free hard stop (SIGKILL) — data since the last fsync may be lost
  void shutdown(); // graceful: SIGTERM, waits for exit (AOF/RDB flushed)
  void start();    // (re)start on the same port and data directory; waits until it answers PING
  bool running() const { return process_ != nullptr; }

  // Runs one command through redis-cli and returns its raw output (trimmed).
  std::string cli(const std::vector<std::string>& args) const;

 private:
  options options_;
  unsigned short port_;
  temp_dir dir_;
  std::unique_ptr<child_process> process_;
};

}  // namespace index_optimizer::testing
