#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace index_optimizer {

struct health_check_result {
  std::string name;
  bool ok = false;
  std::string detail;  // why it failed, in words an operator can act on
};

// What /readyz reports and what gates the systemd watchdog. Two kinds of signal:
// - components (the stream consumer, the optimizer loop) call `heartbeat(name)` from their loops;
//   a component is healthy while its last heartbeat is younger than its stall limit;
// - checks (Redis reachable) run on demand when /readyz is asked.
class health_registry {
 public:
  using check_fn = std::function<health_check_result()>;

  // A component that must report within `stall_limit`; it is not ready before its first
  // heartbeat.
  void register_component(const std::string& name, std::chrono::milliseconds stall_limit);
  void heartbeat(const std::string& name);
  // Marks a component failed with a reason until its next heartbeat.
  void report_failure(const std::string& name, const std::string& detail);
  void add_check(const std::string& name, check_fn check);

  // Components only: cheap, safe on an I/O thread (used for the watchdog).
  std::vector<health_check_result> components() const;
  // Components and checks: checks may block (Redis PING), so call off the I/O threads.
  std::vector<health_check_result> evaluate() const;
  static bool all_ok(const std::vector<health_check_result>& results);

  // Whether every component's loop is alive: it made progress or reported a failure within its
  // stall limit. This, not all_ok, gates the systemd watchdog: a consumer retrying an unreachable
  // Redis is failing, not wedged, and restarting the process brings no Redis back (/readyz shows
  // the outage instead).
  bool alive() const;

 private:
  struct component_state {
    std::chrono::milliseconds stall_limit{};
    std::chrono::steady_clock::time_point last_heartbeat{};
    bool started = false;
    std::string failure;
    // The last heartbeat or failure report: the loop is running.
    std::chrono::steady_clock::time_point last_sign_of_life{};
    bool reported = false;
  };
  mutable std::mutex mutex_;
  std::map<std::string, component_state> components_;
  std::vector<std::pair<std::string, check_fn>> checks_;
};

}  // namespace index_optimizer
