#include "window_store/bucket_log.hpp"

namespace index_optimizer {
namespace {

void append_big_endian(std::string& out, std::uint64_t value, int bytes) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
    out += static_cast<char>((value >> shift) & 0xff);
  }
}

void append_sized_header(std::string& out, std::size_t size, unsigned char fix, std::size_t fix_max,
                         unsigned char tag8, unsigned char tag16, unsigned char tag32) {
  if (size <= fix_max) {
    out += static_cast<char>(fix | size);
  } else if (tag8 != 0 && size <= 0xff) {
    out += static_cast<char>(tag8);
    append_big_endian(out, size, 1);
  } else if (size <= 0xffff) {
    out += static_cast<char>(tag16);
    append_big_endian(out, size, 2);
  } else {
    out += static_cast<char>(tag32);
    append_big_endian(out, size, 4);
  }
}

}  // namespace

void append_msgpack_array_header(std::string& out, std::size_t size) {
  append_sized_header(out, size, 0x90, 15, 0, 0xdc, 0xdd);
}

void append_msgpack_string(std::string& out, std::string_view text) {
  append_sized_header(out, text.size(), 0xa0, 31, 0xd9, 0xda, 0xdb);
  out += text;
}

void append_msgpack_integer(std::string& out, std::int64_t value) {
  if (value >= 0) {
    const auto u = static_cast<std::uint64_t>(value);
    if (u <= 0x7f) {
      out += static_cast<char>(u);
    } else if (u <= 0xff) {
      out += static_cast<char>(0xcc);
      append_big_endian(out, u, 1);
    } else if (u <= 0xffff) {
      out += static_cast<char>(0xcd);
      append_big_endian(out, u, 2);
    } else if (u <= 0xffffffff) {
      out += static_cast<char>(0xce);
      append_big_endian(out, u, 4);
    } else {
      out += static_cast<char>(0xcf);
      append_big_endian(out, u, 8);
    }
    return;
  }
  if (value >= -32) {
    out += static_cast<char>(value & 0xff);  // negative fixint
  } else {
    out += static_cast<char>(0xd3);
    append_big_endian(out, static_cast<std::uint64_t>(value), 8);
  }
}

bucket_log_writer::bucket_log_writer(std::uint64_t events, std::size_t paths) {
  out_.reserve(16 + paths * 64);
  append_msgpack_array_header(out_, 1 + 2 * paths);
  append_msgpack_integer(out_, static_cast<std::int64_t>(events));
}

void bucket_log_writer::add(std::string_view path, std::span<const std::int64_t> record) {
  append_msgpack_string(out_, path);
  // Count, first and last seen are always written: the Lua sum relies on them being there.
  std::size_t used = record.size();
  while (used > k_log_slot_last_seen + 1 && record[used - 1] == 0)
    --used;
  append_msgpack_array_header(out_, used);
  for (std::size_t i = 0; i < used; ++i)
    append_msgpack_integer(out_, record[i]);
}

}  // namespace index_optimizer
