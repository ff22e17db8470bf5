// The daemon's sd_notify protocol, observed through a NOTIFY_SOCKET the test owns.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "support/daemon_process.hpp"
#include "support/redis_server.hpp"
#include "support/wait.hpp"

namespace index_optimizer::testing {
namespace {

// A datagram socket standing in for systemd's notification socket.
class notify_socket {
 public:
  notify_socket() : path_(dir_.path() / "notify.sock") {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("bind notify socket failed");
    }
  }
  ~notify_socket() { ::close(fd_); }
  std::string path() const { return path_.string(); }

  // Collects messages until one contains `needle` or the deadline passes.
  bool wait_for(const std::string& needle, std::chrono::milliseconds deadline) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < end) {
      pollfd p{fd_, POLLIN, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          end - std::chrono::steady_clock::now());
      if (::poll(&p, 1, static_cast<int>(std::max<long>(1, left.count()))) <= 0) continue;
      char buf[4096];
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) continue;
      messages_.emplace_back(buf, static_cast<size_t>(n));
      if (messages_.back().find(needle) != std::string::npos) return true;
    }
    return false;
  }
  size_t count(const std::string& needle) const {
    size_t c = 0;
    for (const auto& m : messages_)
      c += m.find(needle) != std::string::npos ? 1 : 0;
    return c;
  }

 private:
  temp_dir dir_;
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<std::string> messages_;
};

TEST(SystemdNotify, ReadyWatchdogAndStopping) {
  redis_server redis;
  notify_socket notify;
  daemon_process d("optimizer:\n  enabled: false\n", redis.url(),
                   {{"NOTIFY_SOCKET", notify.path()}, {"WATCHDOG_USEC", "400000"}});
  EXPECT_TRUE(notify.wait_for("READY=1", std::chrono::seconds(20))) << d.output();
  // Pings come every WatchdogSec/2 = 200 ms while every component is healthy.
  EXPECT_TRUE(notify.wait_for("WATCHDOG=1", std::chrono::seconds(5))) << d.output();
  EXPECT_TRUE(notify.wait_for("WATCHDOG=1", std::chrono::seconds(5))) << d.output();
  d.process().send_signal(SIGTERM);
  EXPECT_TRUE(notify.wait_for("STOPPING=1", std::chrono::seconds(10))) << d.output();
  EXPECT_EQ(d.process().wait_for_exit(std::chrono::seconds(15)), 0);
}

// A consumer retrying an unreachable Redis is failing, not wedged: the pings go on while /readyz
// shows the outage, so systemd does not restart the daemon into a start-up it cannot finish
// without Redis (and, after StartLimitBurst, leave the unit failed once Redis is back).
TEST(SystemdNotify, WatchdogKeepsPingingWhileRedisIsDown) {
  redis_server redis;
  notify_socket notify;
  daemon_process d(
      "optimizer:\n  enabled: false\n"
      "redis:\n  connect_timeout: 200ms\n  command_timeout: 500ms\n",
      redis.url(), {{"NOTIFY_SOCKET", notify.path()}, {"WATCHDOG_USEC", "400000"}});
  ASSERT_TRUE(notify.wait_for("READY=1", std::chrono::seconds(20))) << d.output();
  redis.stop();
  ASSERT_TRUE(wait_until([&] { return d.get("/readyz").status == 503; })) << d.output();
  ASSERT_TRUE(wait_until([&] {
    return d.output().find("ingest: redis call failed") != std::string::npos;
  })) << d.output();
  notify.wait_for("no such message", std::chrono::milliseconds(500));  // reads what was queued
  // Several watchdog intervals (200 ms) pass with Redis down.
  const auto pings_before = notify.count("WATCHDOG=1");
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < end)
    notify.wait_for("no such message", std::chrono::milliseconds(100));
  EXPECT_GE(notify.count("WATCHDOG=1"), pings_before + 5) << d.output();
  EXPECT_EQ(d.get("/readyz").status, 503u);
}

TEST(SystemdNotify, NotReadyUntilRedisAnswers) {
  redis_server redis;
  redis.stop();
  notify_socket notify;
  daemon_process d({"optimizer:\n  enabled: false\n",
                    redis.url(),
                    {{"NOTIFY_SOCKET", notify.path()}},
                    /*wait_ready=*/true});
  EXPECT_FALSE(notify.wait_for("READY=1", std::chrono::milliseconds(1500)));
  EXPECT_EQ(d.get("/readyz").status, 503u);
  redis.start();
  EXPECT_TRUE(notify.wait_for("READY=1", std::chrono::seconds(20))) << d.output();
}

TEST(SystemdNotify, HarmlessWithoutSystemd) {
  redis_server redis;
  daemon_process d("optimizer:\n  enabled: false\n", redis.url());
  EXPECT_EQ(d.get("/healthz").status, 200u);
}

}  // namespace
}  // namespace index_optimizer::testing
