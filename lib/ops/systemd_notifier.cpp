#include "ops/systemd_notifier.hpp"

#include <systemd/sd-daemon.h>

#include <string>

namespace index_optimizer {

systemd_notifier::systemd_notifier() {
  uint64_t usec = 0;
  // unset_environment=0: children (none) would inherit; keeping it lets tests read it back.
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    watchdog_interval_ = std::chrono::microseconds(usec / 2);
  }
}

void systemd_notifier::notify(std::string_view state) {
  const std::string s(state);
  sd_notify(0, s.c_str());
}

void systemd_notifier::ready() {
  notify("READY=1\nSTATUS=serving");
}
void systemd_notifier::stopping() {
  notify("STOPPING=1\nSTATUS=draining");
}
void systemd_notifier::reloading() {
  notify("RELOADING=1");
}
void systemd_notifier::status(std::string_view text) {
  notify("STATUS=" + std::string(text));
}
void systemd_notifier::watchdog() {
  notify("WATCHDOG=1");
}

}  // namespace index_optimizer
