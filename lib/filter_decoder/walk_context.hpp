#pragma once

// Internal to filter_decoder: the state shared by the dialect walkers while one filter is decoded.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>
#include "filter_decoder/json_tape.hpp"

#include "filter_decoder/decode_limits.hpp"
#include "filter_decoder/decode_reason.hpp"
#include "filter_decoder/field_observation.hpp"

namespace index_optimizer::filter_walk {

// Walkers return false after calling fail(); the first failure ends the walk, so the message
// names the first problem found, which is the one a producer fixes first.
class walk_context {
 public:
  // `spare_paths`: strings whose buffers new observations' paths may take (add_observation).
  walk_context(const decode_limits& limits, std::vector<field_observation>& fields,
               std::vector<std::string>* spare_paths = nullptr) noexcept
      : limits_(limits), fields_(fields), spare_paths_(spare_paths) {}

  // Counts one condition against decode_limits::max_conditions.
  [[nodiscard]] bool count_condition();

  // Records `key` (under the current nested prefix) after checking the composed path.
  [[nodiscard]] bool observe(std::string_view key, index_type type, condition_kinds kinds);

  // Qdrant `nested {key}`: keys observed until leave_nested() become `<prefix><key>[].<k>`.
  // Returns the prefix length to restore.
  [[nodiscard]] std::size_t enter_nested(std::string_view key);
  void leave_nested(std::size_t saved_prefix) noexcept { prefix_.resize(saved_prefix); }

  [[nodiscard]] bool fail(decode_reason reason, std::string message);
  [[nodiscard]] bool invalid_filter(std::string message) {
    return fail(decode_reason::invalid_filter, std::move(message));
  }

  decode_failure take_failure() { return std::move(failure_); }

 private:
  const decode_limits& limits_;
  std::vector<field_observation>& fields_;
  std::vector<std::string>* spare_paths_;
  std::size_t conditions_ = 0;
  std::string prefix_;
  decode_failure failure_{decode_reason::invalid_filter, {}};
};

// `text` in single quotes for a message, cut to 64 bytes so one bad value cannot flood a log.
std::string quoted(std::string_view text);

// The JSON kind of a value for messages: "string", "array", "object", "null", ...
std::string_view json_kind(const json_tape::value& value) noexcept;

}  // namespace index_optimizer::filter_walk
