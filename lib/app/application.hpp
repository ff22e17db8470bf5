#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "config/config.hpp"

namespace index_optimizer {

// The daemon: builds every component from the config, serves HTTP, runs until SIGTERM/SIGINT,
// reloads on SIGHUP. main() only parses arguments and calls run().
class application {
 public:
  application(config cfg, std::filesystem::path config_path,
              std::map<std::string, std::string> environment);
  ~application();
  application(const application&) = delete;
  application& operator=(const application&) = delete;

  // Blocks until a stop signal; returns the process exit code. Throws on start-up failures
  // (e.g. the listen address is taken) with a message naming what to fix.
  int run();

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace index_optimizer
