#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace index_optimizer {

// Hashes std::string keys and std::string_view lookups alike, so a map keyed by std::string is
// searched with a view (a field path, a namespace id, a Redis key) without building a temporary.
struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept {
    return std::hash<std::string_view>{}(text);
  }
};

// A std::string-keyed map that find() searches by std::string_view.
template <class Value>
using string_map = std::unordered_map<std::string, Value, string_hash, std::equal_to<>>;

}  // namespace index_optimizer
