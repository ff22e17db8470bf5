#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/value_or_error.hpp"

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

template <class T>
using registry_result = value_or_error<T, registry_error>;

}  // namespace index_optimizer
