#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace index_optimizer {

// sd_notify(3) wrapper. Every call is a no-op when the daemon does not run under systemd
// (NOTIFY_SOCKET unset), so the same binary runs anywhere.
class systemd_notifier {
 public:
  systemd_notifier();

  void ready();
  void stopping();
  void reloading();
  void status(std::string_view text);
  void watchdog();

  // Half of WatchdogSec when systemd asked for watchdog pings (WATCHDOG_USEC), else nullopt.
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_interval_; }

 private:
  void notify(std::string_view state);
  std::optional<std::chrono::microseconds> watchdog_interval_;
};

}  // namespace index_optimizer
