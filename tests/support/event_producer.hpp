#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "redis/redis_connection.hpp"
#include "support/filter_events.hpp"

namespace index_optimizer::testing {

// A query service in the background: XADDs generated filter events to a stream at a steady pace
// while a test breaks things, and keeps the reference count of everything it produced.
//
// Each entry gets an explicit, strictly increasing id, so delivery survives a lost connection
// (CLIENT KILL, a Redis restart) without duplicates: after a failure the same entries are sent
// again with the same ids, and Redis refuses any id not above the stream's last one — the
// entries the failed attempt had already added. Every generated event ends up in the stream
// exactly once, so once stop() returns, reference() is exactly what the stream received.
class event_producer {
 public:
  struct options {
    redis_endpoint endpoint;
    std::string stream;
    std::uint64_t seed = 1;
    std::vector<test_namespace> namespaces;
    std::size_t field_count = 12;
    std::size_t events_per_tick = 20;  // XADDed in one pipeline
    std::chrono::milliseconds tick{10};
    // Above a CLIENT PAUSE, so a paused server makes the producer wait instead of retry.
    std::chrono::milliseconds command_timeout{10000};
  };

  explicit event_producer(options opts);
  ~event_producer();
  event_producer(const event_producer&) = delete;
  event_producer& operator=(const event_producer&) = delete;

  // Finishes delivering the pipeline in hand and stops. Throws std::runtime_error when an entry
  // could not be delivered within `deadline` (Redis never came back) or Redis refused one for
  // another reason; the reference would then be wrong.
  void stop(std::chrono::milliseconds deadline = std::chrono::seconds(30));

  std::uint64_t produced() const { return produced_.load(); }
  // Connections lost while producing (and re-established): shows the faults reached it.
  std::uint64_t reconnects() const { return reconnects_.load(); }
  // Valid after stop().
  const event_reference& reference() const { return reference_; }

 private:
  void run();
  // Adds the entries of `commands` (XADD with explicit ids) exactly once each; false when the
  // stop deadline passed first.
  bool deliver(const std::vector<redis_command>& commands);
  std::string next_id();

  options options_;
  filter_event_generator generator_;
  event_reference reference_;
  std::optional<redis_connection> connection_;
  std::uint64_t last_ms_ = 0;
  std::uint64_t sequence_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> give_up_at_{0};  // steady_clock ticks; 0: no deadline yet
  std::atomic<std::uint64_t> produced_{0};
  std::atomic<std::uint64_t> reconnects_{0};
  std::mutex error_mutex_;
  std::string error_;
  std::thread thread_;
};

}  // namespace index_optimizer::testing
