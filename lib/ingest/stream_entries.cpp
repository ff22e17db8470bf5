#include "ingest/stream_entries.hpp"

#include <charconv>

namespace index_optimizer {
namespace {

bool parse_entry(const redis_reply& item, stream_entry_view& out) {
  if (!item.is_array()) return false;
  const auto& parts = item.as_array();
  if (parts.size() != 2 || !parts[0].is_string()) return false;
  out.id = parts[0].as_string();
  const auto parsed = parse_stream_id(out.id);
  if (!parsed) return false;
  out.parsed_id = *parsed;
  out.fields.clear();
  out.deleted = parts[1].is_nil();
  if (out.deleted) return true;
  if (!parts[1].is_array()) return false;
  const auto& pairs = parts[1].as_array();
  if (pairs.size() % 2 != 0) return false;
  out.fields.reserve(pairs.size() / 2);
  for (std::size_t i = 0; i < pairs.size(); i += 2) {
    if (!pairs[i].is_string() || !pairs[i + 1].is_string()) return false;
    out.fields.emplace_back(pairs[i].as_string(), pairs[i + 1].as_string());
  }
  return true;
}

bool parse_entries(const redis_reply& list, std::vector<stream_entry_view>& out) {
  if (!list.is_array()) return false;
  const auto& items = list.as_array();
  out.resize(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!parse_entry(items[i], out[i])) return false;
  }
  return true;
}

}  // namespace

std::optional<stream_id> parse_stream_id(std::string_view text) noexcept {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  stream_id id;
  const char* end = text.data() + dash;
  auto r = std::from_chars(text.data(), end, id.ms);
  if (r.ec != std::errc{} || r.ptr != end || dash == 0) return std::nullopt;
  end = text.data() + text.size();
  r = std::from_chars(text.data() + dash + 1, end, id.seq);
  if (r.ec != std::errc{} || r.ptr != end || dash + 1 == text.size()) return std::nullopt;
  return id;
}

std::string to_string(const stream_id& id) {
  return std::to_string(id.ms) + "-" + std::to_string(id.seq);
}

bool parse_xreadgroup_reply(const redis_reply& reply, std::vector<stream_entry_view>& out) {
  out.clear();
  if (reply.is_nil()) return true;
  if (!reply.is_array()) return false;
  for (const auto& stream : reply.as_array()) {
    if (!stream.is_array() || stream.as_array().size() != 2) return false;
    std::vector<stream_entry_view> entries;
    if (!parse_entries(stream.as_array()[1], entries)) return false;
    out.insert(out.end(), std::make_move_iterator(entries.begin()),
               std::make_move_iterator(entries.end()));
  }
  return true;
}

bool parse_xautoclaim_reply(const redis_reply& reply, autoclaim_page& out) {
  out = {};
  if (!reply.is_array()) return false;
  const auto& parts = reply.as_array();
  if (parts.size() < 2 || !parts[0].is_string()) return false;
  out.next_cursor = parts[0].as_string();
  if (!parse_entries(parts[1], out.entries)) return false;
  if (parts.size() >= 3 && parts[2].is_array()) out.deleted = parts[2].as_array().size();
  return true;
}

std::size_t entry_bytes(const stream_entry_view& entry) noexcept {
  std::size_t bytes = 0;
  for (const auto& [name, value] : entry.fields)
    bytes += name.size() + value.size();
  return bytes;
}

}  // namespace index_optimizer
