#include "filter_decoder/walk_context.hpp"
#include "filter_decoder/value_types.hpp"
#include "text/utf8_text.hpp"

#include <algorithm>
#include <string>

namespace index_optimizer::filter_walk {
bool walk_context::count_condition() {
  if (++conditions_ <= limits_.max_conditions) return true;
  return fail(decode_reason::too_many_conditions,
              "the filter has more than " + std::to_string(limits_.max_conditions) +
                  " conditions; split the query or raise decode.max_conditions");
}

bool walk_context::observe(std::string_view key, index_type type, condition_kinds kinds) {
  if (key.empty()) return fail(decode_reason::invalid_field, "a field name is empty");
  if (prefix_.size() + key.size() > limits_.max_field_path) {
    return fail(decode_reason::invalid_field,
                "field path " + quoted(std::string(prefix_).append(key)) + " is longer than " +
                    std::to_string(limits_.max_field_path) + " bytes");
  }
  if (has_control_character(key)) {
    return fail(decode_reason::invalid_field,
                "field name " + quoted(key) + " contains a control character");
  }
  add_observation(fields_, prefix_, key, type, kinds, spare_paths_);
  return true;
}

std::size_t walk_context::enter_nested(std::string_view key) {
  const std::size_t saved = prefix_.size();
  prefix_.append(key).append("[].");
  return saved;
}

bool walk_context::fail(decode_reason reason, std::string message) {
  failure_.reason = reason;
  failure_.message = std::move(message);
  return false;
}

std::string quoted(std::string_view text) {
  constexpr std::size_t k_max = 64;
  std::string out;
  out.reserve(std::min(text.size(), k_max) + 5);
  out += '\'';
  if (text.size() <= k_max) {
    out += text;
  } else {
    // Cut at a UTF-8 boundary so the message stays valid UTF-8.
    out.append(utf8_prefix(text, k_max)).append("...");
  }
  out += '\'';
  return out;
}

std::string_view json_kind(const json_tape::value& value) noexcept {
  switch (value.kind()) {
    case json_tape::kind::null:
      return "null";
    case json_tape::kind::bool_:
      return "a boolean";
    case json_tape::kind::int64:
    case json_tape::kind::uint64:
      return "an integer";
    case json_tape::kind::double_:
      return "a non-integer number";
    case json_tape::kind::string:
      return "a string";
    case json_tape::kind::array:
      return "an array";
    case json_tape::kind::object:
      return "an object";
  }
  return "a value";
}

}  // namespace index_optimizer::filter_walk
