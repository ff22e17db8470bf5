// Thin entry point: arguments, config, build the application, run, exit code.
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "app/application.hpp"
#include "config/config.hpp"
#include "ingest/dead_letter_replay.hpp"

namespace {

constexpr const char* k_default_config = "/etc/index-optimizer/index-optimizer.yaml";

void print_help() {
  std::cout << "index-optimizer " INDEX_OPTIMIZER_VERSION
               "\n"
               "Watches which Qdrant payload fields are filtered on and creates the payload\n"
               "indexes they need.\n\n"
               "Usage: index-optimizer [--config PATH] [--check-config]\n"
               "       index-optimizer [--config PATH] --replay-dead-letters [--dry-run]\n"
               "                       [--reason REASON]... [--namespace ID_OR_NAME] [--limit N]\n"
               "       index-optimizer --version | --help\n\n"
               "  --config PATH    configuration file (default: $INDEX_OPTIMIZER_CONFIG, else\n"
               "                   "
            << k_default_config
            << ")\n"
               "  --check-config   validate the configuration, print the effective config with\n"
               "                   secrets redacted, and exit 0 (valid) or 1 (invalid)\n"
               "  --replay-dead-letters\n"
               "                   move dead letters kept whole back onto their event stream,\n"
               "                   each exactly once, where their namespace exists now; prints\n"
               "                   what it moved and what it left (docs/operations.md)\n"
               "  --reason REASON  replay dead letters with this reason (repeatable; default\n"
               "                   unknown_namespace; reasons in docs/events.md)\n"
               "  --namespace REF  only dead letters whose namespace field is REF\n"
               "  --limit N        stop after N replayed\n"
               "  --dry-run        count what would be replayed, move nothing\n"
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
  bool replay = false;
  index_optimizer::replay_options replay_options;
  std::vector<index_optimizer::decode_reason> reasons;
  const auto usage_error = [](const std::string& message) {
    std::cerr << "index-optimizer: " << message << " (see --help)\n";
    return 2;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
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
    } else if (arg == "--replay-dead-letters") {
      replay = true;
    } else if (arg == "--dry-run") {
      replay_options.dry_run = true;
    } else if (arg == "--reason" && has_value) {
      const auto reason = index_optimizer::parse_decode_reason(argv[++i]);
      if (!reason) return usage_error(std::string("unknown --reason '") + argv[i] + "'");
      reasons.push_back(*reason);
    } else if (arg == "--namespace" && has_value) {
      replay_options.selection.namespace_ref = argv[++i];
    } else if (arg == "--limit" && has_value) {
      const std::string text = argv[++i];
      const auto [end, ec] =
          std::from_chars(text.data(), text.data() + text.size(), replay_options.limit);
      if (ec != std::errc{} || end != text.data() + text.size() || replay_options.limit == 0) {
        return usage_error("--limit needs a positive integer, not '" + text + "'");
      }
    } else if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path = arg.substr(std::strlen("--config="));
    } else {
      return usage_error("unknown argument '" + arg + "'");
    }
  }
  if (!reasons.empty()) replay_options.selection.reasons = reasons;
  const bool replay_only_option = replay_options.dry_run || !reasons.empty() ||
                                  replay_options.selection.namespace_ref ||
                                  replay_options.limit > 0;
  if (replay_only_option && !replay) {
    return usage_error(
        "--dry-run, --reason, --namespace and --limit go with --replay-dead-letters");
  }
  if (replay && check_only) {
    return usage_error("--check-config and --replay-dead-letters are separate commands");
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
    if (replay)
      return index_optimizer::run_dead_letter_replay(cfg, replay_options, std::cout, std::cerr);
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
