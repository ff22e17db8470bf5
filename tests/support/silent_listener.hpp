#pragma once

namespace index_optimizer::testing {

// A TCP listener on 127.0.0.1 whose connections the kernel accepts (the handshake completes,
// connect() succeeds) but nobody ever reads or answers: a hung server, for timeout tests.
class silent_listener {
 public:
  silent_listener();
  ~silent_listener();
  silent_listener(const silent_listener&) = delete;
  silent_listener& operator=(const silent_listener&) = delete;

  unsigned short port() const { return port_; }

 private:
  int fd_ = -1;
  unsigned short port_ = 0;
};

}  // namespace index_optimizer::testing
