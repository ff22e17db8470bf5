#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace index_optimizer::testing {

// A plain TCP connection to 127.0.0.1 for connection-level tests that hold thousands of
// connections or control every byte (slow clients): no HTTP framing, no Asio, one descriptor.
class raw_socket {
 public:
  // Connects (blocking); throws std::runtime_error naming errno on failure.
  explicit raw_socket(unsigned short port);
  ~raw_socket();
  raw_socket(raw_socket&& other) noexcept;
  raw_socket& operator=(raw_socket&& other) noexcept;
  raw_socket(const raw_socket&) = delete;
  raw_socket& operator=(const raw_socket&) = delete;

  // Writes all of `bytes` (never raises SIGPIPE); false once the peer closed or reset.
  bool send(std::string_view bytes);
  // Appends whatever arrives within `wait` (zero: only what is there now) to received();
  // returns false once the peer has closed the connection (EOF or reset).
  bool poll_input(std::chrono::milliseconds wait = std::chrono::milliseconds(0));
  // Reads until the peer closes or `deadline` passes; returns whether it closed.
  bool wait_closed(std::chrono::milliseconds deadline);
  // Reads until one whole HTTP response (headers + Content-Length body) is in received() or
  // `deadline` passes; returns whether it is.
  bool wait_response(std::chrono::milliseconds deadline);

  bool peer_closed() const { return peer_closed_; }
  const std::string& received() const { return received_; }
  void clear_received() { received_.clear(); }
  void close();

 private:
  int fd_ = -1;
  bool peer_closed_ = false;
  std::string received_;
};

}  // namespace index_optimizer::testing
