// ingest-worker: only the ingestion service of the daemon, from a config file, so tests can
// SIGKILL a consumer mid-stream without starting the whole daemon.
//
//   ingest-worker <config.yaml>
//
// Prints "ready" once the service is started, then runs until SIGTERM or SIGINT, stops the
// service (finishing the in-flight commit) and exits 0; exit 2 on a config error.
#include <prometheus/registry.h>
#include <signal.h>

#include <iostream>

#include "config/config.hpp"
#include "ingest/ingest_service.hpp"
#include "ops/logger.hpp"

int main(int argc, char** argv) {
  using namespace index_optimizer;
  if (argc != 2) {
    std::cerr << "usage: ingest-worker <config.yaml>\n";
    return 2;
  }
  // Block the stop signals before any thread starts, so every thread inherits the mask and
  // sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  config cfg;
  try {
    cfg = load_config(argv[1], environment_snapshot());
  } catch (const std::exception& e) {
    std::cerr << "ingest-worker: " << e.what() << "\n";
    return 2;
  }
  configure_logging(cfg.logging.level, cfg.logging.format);
  prometheus::Registry registry;
  ingest_service service(cfg, registry);
  service.start();
  std::cout << "ready" << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  return service.stop(cfg.shutdown.drain_timeout) ? 0 : 1;
}
