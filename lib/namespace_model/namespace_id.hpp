#pragma once

#include <concepts>
#include <cstddef>
#include <random>
#include <string>
#include <string_view>

namespace index_optimizer {

// Length of the random part of a namespace id. The spec's examples ("ns_ab12cd34ef",
// "ns_abc123def456") are lowercase letters and digits, 10-12 long; 12 base-36 characters carry
// 62 bits, so collisions need ~2^31 namespaces.
inline constexpr std::size_t k_namespace_id_random_chars = 12;

// "ns_" + 12 characters of [0-9a-z] drawn uniformly from `random`.
template <std::uniform_random_bit_generator Random>
std::string generate_namespace_id(Random& random) {
  constexpr std::string_view alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string id = "ns_";
  for (std::size_t i = 0; i < k_namespace_id_random_chars; ++i)
    id += alphabet[pick(random)];
  return id;
}

// The same, seeded from std::random_device.
std::string generate_namespace_id();

// Whether a path identifier has the shape of a namespace id ("ns_" + letters/digits), so lookups
// can try it as an id before trying it as a name.
bool looks_like_namespace_id(std::string_view identifier) noexcept;

}  // namespace index_optimizer
