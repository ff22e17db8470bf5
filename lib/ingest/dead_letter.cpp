#include "ingest/dead_letter.hpp"

#include <algorithm>
#include <charconv>

#include "auth/auth_types.hpp"
#include "text/utf8_text.hpp"

namespace index_optimizer {
namespace {

std::optional<std::size_t> to_size(std::string_view text) noexcept {
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

std::string_view to_string(dead_letter_storage storage) noexcept {
  return storage == dead_letter_storage::prefix ? "prefix" : "whole";
}

std::string entry_sha256(std::span<const entry_field> fields) {
  // Lengths and separators are small strings kept beside the parts that view them.
  std::vector<std::string> frames;
  frames.reserve(2 * fields.size());
  std::vector<std::string_view> parts;
  parts.reserve(6 * fields.size());
  for (const auto& [name, value] : fields) {
    for (const auto text : {name, value}) {
      frames.push_back(std::to_string(text.size()) + ":");
      parts.push_back(frames.back());
      parts.push_back(text);
      parts.push_back(",");
    }
  }
  // `frames` reserved up front: no reallocation moved a string `parts` views into.
  return to_hex(sha256_of(parts));
}

dead_letter_entry make_dead_letter(std::string_view id, std::span<const entry_field> fields,
                                   decode_reason reason, std::string message,
                                   std::uint64_t whole_limit) {
  dead_letter_entry dead;
  dead.id = std::string(id);
  dead.reason = reason;
  dead.message = std::move(message);
  for (const auto& [name, value] : fields)
    dead.source_bytes += name.size() + value.size();
  const bool whole = fields.size() <= k_dead_letter_max_fields && dead.source_bytes <= whole_limit;
  dead.stored = whole ? dead_letter_storage::whole : dead_letter_storage::prefix;
  if (whole) {
    dead.fields.reserve(fields.size());
    for (const auto& [name, value] : fields)
      dead.fields.emplace_back(name, value);
    return dead;
  }
  dead.source_sha256 = entry_sha256(fields);
  std::size_t budget = k_dead_letter_prefix_bytes;
  for (const auto& [name, value] : fields) {
    if (budget == 0 || dead.fields.size() == k_dead_letter_max_fields) break;
    const auto kept_name = utf8_prefix(name, budget);
    budget -= kept_name.size();
    const auto kept_value = utf8_prefix(value, budget);
    budget -= kept_value.size();
    dead.fields.emplace_back(kept_name, kept_value);
  }
  return dead;
}

void append_dead_letter_fields(const dead_letter_entry& dead, std::string_view source_stream,
                               std::vector<std::string>& out) {
  const auto add = [&out](std::string_view name, std::string value) {
    out.emplace_back(name);
    out.push_back(std::move(value));
  };
  add("reason", std::string(to_string(dead.reason)));
  add("message", dead.message);
  add("source_stream", std::string(source_stream));
  add("source_id", dead.id);
  add("source_bytes", std::to_string(dead.source_bytes));
  add("source_stored", std::string(to_string(dead.stored)));
  if (dead.stored == dead_letter_storage::prefix) add("source_sha256", dead.source_sha256);
  // Last, and counted, so a reader takes the last `source_fields` pairs as they are, even when
  // an original field is itself called `reason`.
  add("source_fields", std::to_string(dead.fields.size()));
  for (const auto& [name, value] : dead.fields)
    add(name, value);
}

std::optional<stored_dead_letter> parse_dead_letter(std::span<const entry_field> fields) {
  stored_dead_letter out;
  std::optional<std::string_view> stored;
  // Our fields come first; source_fields is the last of them.
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto& [name, value] = fields[i];
    if (name == "reason") {
      out.reason = value;
    } else if (name == "source_stream") {
      out.source_stream = value;
    } else if (name == "source_id") {
      out.source_id = value;
    } else if (name == "source_stored") {
      stored = value;
    } else if (name == "source_fields") {
      const auto count = to_size(value);
      if (!count || *count != fields.size() - i - 1) return std::nullopt;
      out.original.assign(fields.begin() + static_cast<std::ptrdiff_t>(i + 1), fields.end());
      if (out.reason.empty() || out.source_stream.empty() || out.source_id.empty()) {
        return std::nullopt;
      }
      out.whole = stored ? *stored == "whole" : *count < k_dead_letter_max_fields;
      return out;
    }
  }
  return std::nullopt;
}

}  // namespace index_optimizer
