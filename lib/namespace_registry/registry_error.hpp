#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace index_optimizer {

// Why a registry call did not do what was asked. The HTTP layer maps each to one status.
enum class registry_errc {
  not_found,         // no namespace with that id or name
  version_mismatch,  // the stored version is not the expected one (If-Match, or a lost race)
  name_taken,        // another namespace already has that name
  id_taken,          // a namespace with that id exists (a freshly drawn id collided)
  busy,              // another writer holds the namespace's write lock past the wait
  lock_lost,         // our write lock expired and was taken over
  unavailable,       // Redis failed: connect, timeout, pool exhausted, an error reply
  corrupt,           // a stored document that does not parse (written by a broken client)
};

std::string_view to_string(registry_errc code) noexcept;

struct registry_error {
  registry_errc code;
  std::string message;  // operator-facing
  // The stored version when the error is version_mismatch (for the 412 answer's ETag).
  std::optional<std::int64_t> current_version;
};

// Value or registry_error (std::expected is C++23).
template <class T>
class [[nodiscard]] registry_result {
 public:
  registry_result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  registry_result(registry_error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return (require_value(), std::get<0>(state_)); }
  const T& value() const& { return (require_value(), std::get<0>(state_)); }
  T&& value() && { return (require_value(), std::get<0>(std::move(state_))); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const registry_error& error() const {
    if (has_value()) throw std::logic_error("registry_result holds a value, not an error");
    return std::get<1>(state_);
  }

 private:
  void require_value() const {
    if (!has_value()) {
      throw std::logic_error("registry_result holds an error: " + std::get<1>(state_).message);
    }
  }

  std::variant<T, registry_error> state_;
};

template <>
class [[nodiscard]] registry_result<void> {
 public:
  registry_result() = default;
  registry_result(registry_error error) : error_(std::move(error)) {}

  bool has_value() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return has_value(); }
  const registry_error& error() const {
    if (!error_) throw std::logic_error("registry_result<void> holds no error");
    return *error_;
  }

 private:
  std::optional<registry_error> error_;
};

}  // namespace index_optimizer
