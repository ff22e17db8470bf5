#pragma once

#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "ingest/data_loss_monitor.hpp"
#include "ingest/redis_memory_guard.hpp"
#include "ops/health_registry.hpp"

namespace index_optimizer {

class stream_consumer;

// How the service reports its health; the application forwards both to its health_registry
// component (register it with ingest_service::stall_limit(cfg)).
struct ingest_health_hooks {
  // Called after loop iterations while every stream's consumer is making progress.
  std::function<void()> heartbeat;
  // Called when a consumer's iteration fails (Redis unreachable, ...), with "<stream>: <reason>".
  std::function<void(std::string)> report_failure;
};

// Filter-event ingestion: one stream_consumer thread per ingest.streams entry, each with its own
// Redis connection. The application owns it: construct, start(), and stop(deadline) on shutdown
// (which finishes each consumer's in-flight commit). Window reads, sweeps and namespace deletion
// are free functions in window_store/window_store.hpp.
class ingest_service {
 public:
  // `cfg` is copied; `registry` must outlive the service.
  ingest_service(const config& cfg, prometheus::Registry& registry, ingest_health_hooks hooks = {});
  ~ingest_service();  // stop(cfg.shutdown.drain_timeout) if still running
  ingest_service(const ingest_service&) = delete;
  ingest_service& operator=(const ingest_service&) = delete;

  // Starts the consumer threads; they connect (and create the consumer group) on their own,
  // retrying with backoff, so start() does not fail when Redis is down.
  void start();

  // Stops reading, commits what each consumer holds (counts and acknowledgements together) and
  // joins the threads. Returns false when a consumer could not finish its commit within
  // `deadline` (its entries stay pending and are counted after the restart). Idempotent.
  bool stop(std::chrono::milliseconds deadline);

  // How long the service may go without a heartbeat while healthy: the longest a loop
  // iteration can take (a blocking read plus a command timeout, twice) plus the longest backoff.
  static std::chrono::milliseconds stall_limit(const config& cfg);

  // For /readyz (thread-safe): fails while commits are paused because Redis is near maxmemory.
  health_check_result memory_check() const { return memory_.check(); }
  // For /readyz (thread-safe): always ok; its detail tells when Redis appears to have lost the
  // daemon's data.
  health_check_result data_loss_check() const { return data_loss_.check(); }

 private:
  struct consumer_state;
  void on_progress(std::size_t index);
  void on_failure(std::size_t index, const std::string& reason);
  void unblock_consumers(std::chrono::steady_clock::time_point until);

  const config cfg_;
  prometheus::Registry& registry_;
  ingest_health_hooks hooks_;
  redis_memory_guard memory_;
  data_loss_monitor data_loss_;
  std::vector<std::unique_ptr<consumer_state>> consumers_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace index_optimizer
