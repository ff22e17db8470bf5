#include "support/raw_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace index_optimizer::testing {

raw_socket::raw_socket(unsigned short port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int error = errno;
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error(std::string("connect: ") + std::strerror(error));
  }
}

raw_socket::~raw_socket() {
  close();
}

raw_socket::raw_socket(raw_socket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      peer_closed_(other.peer_closed_),
      received_(std::move(other.received_)) {}

raw_socket& raw_socket::operator=(raw_socket&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    peer_closed_ = other.peer_closed_;
    received_ = std::move(other.received_);
  }
  return *this;
}

void raw_socket::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool raw_socket::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      peer_closed_ = true;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool raw_socket::poll_input(std::chrono::milliseconds wait) {
  if (peer_closed_ || fd_ < 0) return false;
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(wait.count()));
  if (ready <= 0) return true;
  std::array<char, 16384> chunk{};
  while (true) {
    const auto n = ::recv(fd_, chunk.data(), chunk.size(), MSG_DONTWAIT);
    if (n > 0) {
      received_.append(chunk.data(), static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (n < 0 && errno == EINTR) continue;
    peer_closed_ = true;  // EOF, or a reset
    return false;
  }
}

bool raw_socket::wait_closed(std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (poll_input(std::chrono::milliseconds(20))) {
    if (std::chrono::steady_clock::now() >= end) return false;
  }
  return true;
}

bool raw_socket::wait_response(std::chrono::milliseconds deadline) {
  const auto complete = [this] {
    const auto head_end = received_.find("\r\n\r\n");
    if (head_end == std::string::npos) return false;
    std::string head = received_.substr(0, head_end);
    for (auto& c : head)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::size_t length = 0;
    constexpr std::string_view k_length = "\r\ncontent-length:";
    if (const auto at = head.find(k_length); at != std::string::npos) {
      length = std::strtoul(head.c_str() + at + k_length.size(), nullptr, 10);
    }
    return received_.size() >= head_end + 4 + length;
  };
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (!complete()) {
    if (!poll_input(std::chrono::milliseconds(20))) return complete();
    if (std::chrono::steady_clock::now() >= end) return complete();
  }
  return true;
}

}  // namespace index_optimizer::testing
