// Thin entry point: arguments, config, build the application, run, exit code.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>

#include "app/application.hpp"
#include "config/config.hpp"

namespace {

constexpr const char* k_default_config = "/etc/index-optimizer/index-optimizer.yaml";

void print_help() {
  std::cout << "index-optimizer " INDEX_OPTIMIZER_VERSION
               "\n"
               "Watches which Qdrant payload fields are filtered on and creates the payload\n"
               "indexes they need.\n\n"
               "Usage: index-optimizer [--config PATH] [--check-config]\n"
               "       index-optimizer --version | --help\n\n"
               "  --config PATH    configuration file (default: $INDEX_OPTIMIZER_CONFIG, else\n"
               "                   "
            << k_default_config
            << ")\n"
               "  --check-config   validate the configuration, print the effective config with\n"
               "                   secrets redacted, and exit 0 (valid) or 1 (invalid)\n"
               "  --version        print the version and exit\n"
               "  --help           print this help and exit\n\n"
               "Every scalar key can be overridden with INDEX_OPTIMIZER_<SECTION>_<KEY>;\n"
               "see docs/configuration.md.\n";
}

}  // namespace

int main(int argc, char** argv) {
  // A peer that vanishes mid-write (Redis, Qdrant, an HTTP client) must be an error code, not a
  // process-killing signal.
  std::signal(SIGPIPE, SIG_IGN);
  std::filesystem::path config_path;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      print_help();
      return 0;
    }
    if (arg == "--version") {
      std::cout << "index-optimizer " INDEX_OPTIMIZER_VERSION "\n";
      return 0;
    }
    if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path = arg.substr(std::strlen("--config="));
    } else {
      std::cerr << "index-optimizer: unknown argument '" << arg << "' (see --help)\n";
      return 2;
    }
  }
  const auto environment = index_optimizer::environment_snapshot();
  if (config_path.empty()) {
    const auto it = environment.find("INDEX_OPTIMIZER_CONFIG");
    config_path = it != environment.end() ? it->second : k_default_config;
  }

  try {
    auto cfg = index_optimizer::load_config(config_path, environment);
    if (check_only) {
      for (const auto& warning : index_optimizer::environment_warnings(environment))
        std::cerr << "index-optimizer: warning: " << warning << "\n";
      std::cout << index_optimizer::render_effective_config(cfg);
      std::cerr << "index-optimizer: configuration " << config_path.string() << " is valid\n";
      return 0;
    }
    index_optimizer::application app(std::move(cfg), config_path, environment);
    return app.run();
  } catch (const index_optimizer::config_error& e) {
    std::cerr << "index-optimizer: invalid configuration:\n" << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "index-optimizer: fatal: " << e.what() << "\n";
    return 1;
  }
}
