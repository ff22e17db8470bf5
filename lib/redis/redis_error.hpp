#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace index_optimizer {

// Why a Redis call produced no reply. A server `-ERR ...` answer to a command is NOT one of these:
// it is a redis_reply of kind error, and the connection stays usable. These are failures of the
// call itself; after io/timeout/protocol the connection is broken and must be dropped.
enum class redis_errc {
  io = 1,            // connect refused, read/write failed, server closed the connection
  timeout,           // connect or command exceeded its timeout (the reply may still be in flight)
  protocol,          // the bytes on the wire were not RESP2 (or the reader ran out of memory)
  auth,              // AUTH was rejected on connect: the configured credentials are wrong
  server,            // a step that must succeed got an error reply (SELECT, EXECABORT, ...)
  pool_exhausted,    // every pooled connection stayed in use until the acquire timeout
  conflict,          // optimistic update gave up: the watched keys kept changing
  invalid_argument,  // the call itself was malformed (empty command, zero timeout)
};

const std::error_category& redis_category() noexcept;
std::error_code make_error_code(redis_errc code) noexcept;

struct redis_error {
  redis_errc code;
  std::string message;  // operator-facing, never contains a password

  std::error_code error_code() const noexcept { return make_error_code(code); }
};

// Value-or-redis_error; std::expected is C++23 and we build as C++20. Accessing the wrong
// alternative is a programming error and throws std::logic_error.
template <class T>
class [[nodiscard]] redis_result {
 public:
  redis_result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  redis_result(redis_error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return (require_value(), std::get<0>(state_)); }
  const T& value() const& { return (require_value(), std::get<0>(state_)); }
  T&& value() && { return (require_value(), std::get<0>(std::move(state_))); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const redis_error& error() const {
    if (has_value()) throw std::logic_error("redis_result holds a value, not an error");
    return std::get<1>(state_);
  }

 private:
  void require_value() const {
    if (!has_value()) {
      throw std::logic_error("redis_result holds an error: " + std::get<1>(state_).message);
    }
  }

  std::variant<T, redis_error> state_;
};

template <>
class [[nodiscard]] redis_result<void> {
 public:
  redis_result() = default;
  redis_result(redis_error error) : error_(std::move(error)) {}

  bool has_value() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  const redis_error& error() const {
    if (!error_) throw std::logic_error("redis_result<void> holds no error");
    return *error_;
  }

 private:
  std::optional<redis_error> error_;
};

}  // namespace index_optimizer

template <>
struct std::is_error_code_enum<index_optimizer::redis_errc> : std::true_type {};
