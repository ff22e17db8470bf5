#pragma once

// Internal to lib/config: the key table with the functions that move values in and out of the
// `config` struct. Other components use config_keys() from config.hpp.

#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.hpp"

namespace index_optimizer::config_detail {

// A key's value in kind-neutral form: boolean -> bool; integer and size -> int64; duration ->
// config_duration; string and choice -> std::string; string_list -> vector<string>; key_list ->
// vector<auth_key>.
using config_value = std::variant<bool, std::int64_t, config_duration, std::string,
                                  std::vector<std::string>, std::vector<auth_key>>;

struct key_binding {
  key_info info;
  void (*store)(config& cfg, const key_info& info, config_value value);
  config_value (*load)(const config& cfg, const key_info& info);
};

std::span<const key_binding> key_bindings();

// Section names in table order, each once.
std::span<const std::string_view> section_names();

// The binding for section.name, or nullptr.
const key_binding* find_binding(std::string_view section, std::string_view name);

}  // namespace index_optimizer::config_detail

namespace index_optimizer::config_detail {

// A value as an operator reads it in messages and rendered YAML scalars: "6h", "1MiB", "true",
// "[a, b]". Secret keys must be redacted by the caller before this.
std::string format_value(const key_info& info, const config_value& value);

// A bound of an integer/size/duration key in the same spelling.
std::string format_bound(const key_info& info, std::int64_t bound);

}  // namespace index_optimizer::config_detail
