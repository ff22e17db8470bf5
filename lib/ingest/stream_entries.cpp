#include "ingest/stream_entries.hpp"

#include <charconv>

namespace index_optimizer {
namespace {

// Parsing works alike on an owned redis_reply and on a reply_tree node: both have is_array(),
// is_nil(), is_string(), as_string() and as_array().
template <class Reply>
bool parse_entry(const Reply& item, stream_entry_view& out) {
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

// Appends the entries of `list` to `out` from index `at`, reusing the elements already there.
template <class Reply>
bool parse_entries(const Reply& list, std::vector<stream_entry_view>& out, std::size_t at) {
  if (!list.is_array()) return false;
  const auto& items = list.as_array();
  if (out.size() < at + items.size()) out.resize(at + items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!parse_entry(items[i], out[at + i])) return false;
  }
  return true;
}

template <class Reply>
bool parse_xreadgroup(const Reply& reply, std::vector<stream_entry_view>& out) {
  // Elements already in `out` are overwritten in place (their field vectors keep their
  // capacity); only a longer reply than the last one adds elements.
  std::size_t count = 0;
  bool ok = true;
  if (reply.is_array()) {
    for (const auto& stream : reply.as_array()) {
      if (!stream.is_array() || stream.as_array().size() != 2 ||
          !parse_entries(stream.as_array()[1], out, count)) {
        ok = false;
        break;
      }
      count += stream.as_array()[1].as_array().size();
    }
  } else if (!reply.is_nil()) {
    ok = false;
  }
  out.resize(ok ? count : 0);
  return ok;
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
  // Formatted in place: a commit formats every id of its batch.
  char text[42];
  char* end = std::to_chars(text, text + 20, id.ms).ptr;
  *end++ = '-';
  end = std::to_chars(end, text + sizeof text, id.seq).ptr;
  return std::string(text, end);
}

bool parse_xreadgroup_reply(const redis_reply& reply, std::vector<stream_entry_view>& out) {
  return parse_xreadgroup(reply, out);
}

bool parse_xreadgroup_reply(const reply_node& reply, std::vector<stream_entry_view>& out) {
  return parse_xreadgroup(reply, out);
}

bool parse_xrange_reply(const redis_reply& reply, std::vector<stream_entry_view>& out) {
  const bool ok = parse_entries(reply, out, 0);
  out.resize(ok ? (reply.is_array() ? reply.as_array().size() : 0) : 0);
  return ok;
}

std::size_t xreadgroup_entry_count(const reply_node& reply) noexcept {
  std::size_t count = 0;
  for (const auto& stream : reply.as_array()) {
    if (stream.as_array().size() == 2) count += stream.as_array()[1].as_array().size();
  }
  return count;
}

bool parse_xautoclaim_reply(const redis_reply& reply, autoclaim_page& out) {
  out = {};
  if (!reply.is_array()) return false;
  const auto& parts = reply.as_array();
  if (parts.size() < 2 || !parts[0].is_string()) return false;
  out.next_cursor = parts[0].as_string();
  if (!parse_entries(parts[1], out.entries, 0)) return false;
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
