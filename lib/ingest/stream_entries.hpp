#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "filter_decoder/event_decoder.hpp"
#include "redis/redis_reply.hpp"
#include "redis/reply_tree.hpp"

namespace index_optimizer {

// A stream entry id ("1718000000000-3"), ordered like Redis orders them.
struct stream_id {
  std::uint64_t ms = 0;
  std::uint64_t seq = 0;

  auto operator<=>(const stream_id&) const = default;
};

std::optional<stream_id> parse_stream_id(std::string_view text) noexcept;
std::string to_string(const stream_id& id);

// One entry of an XREADGROUP or XAUTOCLAIM reply, viewing into the reply (which must outlive it).
struct stream_entry_view {
  std::string_view id;
  stream_id parsed_id;
  // Reading one's own pending entries returns a deleted entry (trimmed by MAXLEN/MINID or XDEL
  // after delivery) as an id without fields: it is acknowledged and counts nothing.
  bool deleted = false;
  std::vector<entry_field> fields;
};

// The entries of one stream in an XREADGROUP reply (RESP2: nil on timeout, else
// [[stream, [[id, [field, value, ...] | nil], ...]], ...]). `out` is overwritten, its elements'
// capacity reused (the consumer keeps one vector, so a read allocates nothing). Returns false
// when the reply has another shape.
bool parse_xreadgroup_reply(const redis_reply& reply, std::vector<stream_entry_view>& out);
bool parse_xreadgroup_reply(const reply_node& reply, std::vector<stream_entry_view>& out);

// The entries of an XRANGE/XREVRANGE reply ([[id, [field, value, ...]], ...]); false for another
// shape.
bool parse_xrange_reply(const redis_reply& reply, std::vector<stream_entry_view>& out);

// How many entries an XREADGROUP reply holds (0 for any other shape), without parsing them.
std::size_t xreadgroup_entry_count(const reply_node& reply) noexcept;

// XAUTOCLAIM's reply: [next cursor, [[id, [field, value, ...]], ...], [deleted id, ...]]. The
// deleted ids are already gone from the pending list (Redis >= 7), so only the count is kept.
struct autoclaim_page {
  std::string next_cursor;
  std::vector<stream_entry_view> entries;
  std::size_t deleted = 0;
};
bool parse_xautoclaim_reply(const redis_reply& reply, autoclaim_page& out);

// Bytes of an entry's names and values together (the ingest.max_event_bytes limit).
std::size_t entry_bytes(const stream_entry_view& entry) noexcept;

}  // namespace index_optimizer
