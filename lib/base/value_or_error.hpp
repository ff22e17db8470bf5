#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace index_optimizer {

// A value or an error, for I/O paths (std::expected is C++23 and we build as C++20). `E` has a
// `message` string. Accessing the wrong alternative is a programming error and throws
// std::logic_error naming the error's message. Components alias it with their own error type
// (redis_result, registry_result).
template <class T, class E>
class [[nodiscard]] value_or_error {
 public:
  value_or_error(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  value_or_error(E error) : state_(std::in_place_index<1>, std::move(error)) {}

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

  const E& error() const {
    if (has_value()) throw std::logic_error("holds a value, not an error");
    return std::get<1>(state_);
  }

 private:
  void require_value() const {
    if (!has_value()) throw std::logic_error("holds an error: " + std::get<1>(state_).message);
  }

  std::variant<T, E> state_;
};

template <class E>
class [[nodiscard]] value_or_error<void, E> {
 public:
  value_or_error() = default;
  value_or_error(E error) : error_(std::move(error)) {}

  bool has_value() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  const E& error() const {
    if (!error_) throw std::logic_error("holds no error");
    return *error_;
  }

 private:
  std::optional<E> error_;
};

}  // namespace index_optimizer
