#include "window_store/bucket_log.hpp"

#include <array>

namespace index_optimizer {
namespace {

// Writers over a raw buffer: a commit encodes some tens of thousands of integers, and appending
// them to a std::string byte by byte cost more than computing them.
char* put_big_endian(char* out, std::uint64_t value, int bytes) noexcept {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
    *out++ = static_cast<char>((value >> shift) & 0xff);
  }
  return out;
}

char* put_sized_header(char* out, std::size_t size, unsigned char fix, std::size_t fix_max,
                       unsigned char tag8, unsigned char tag16, unsigned char tag32) noexcept {
  if (size <= fix_max) {
    *out++ = static_cast<char>(fix | size);
  } else if (tag8 != 0 && size <= 0xff) {
    *out++ = static_cast<char>(tag8);
    out = put_big_endian(out, size, 1);
  } else if (size <= 0xffff) {
    *out++ = static_cast<char>(tag16);
    out = put_big_endian(out, size, 2);
  } else {
    *out++ = static_cast<char>(tag32);
    out = put_big_endian(out, size, 4);
  }
  return out;
}

char* put_array_header(char* out, std::size_t size) noexcept {
  return put_sized_header(out, size, 0x90, 15, 0, 0xdc, 0xdd);
}

char* put_integer(char* out, std::int64_t value) noexcept {
  if (value >= 0) {
    const auto u = static_cast<std::uint64_t>(value);
    if (u <= 0x7f) {
      *out++ = static_cast<char>(u);
    } else if (u <= 0xff) {
      *out++ = static_cast<char>(0xcc);
      out = put_big_endian(out, u, 1);
    } else if (u <= 0xffff) {
      *out++ = static_cast<char>(0xcd);
      out = put_big_endian(out, u, 2);
    } else if (u <= 0xffffffff) {
      *out++ = static_cast<char>(0xce);
      out = put_big_endian(out, u, 4);
    } else {
      *out++ = static_cast<char>(0xcf);
      out = put_big_endian(out, u, 8);
    }
    return out;
  }
  if (value >= -32) {
    *out++ = static_cast<char>(value & 0xff);  // negative fixint
  } else {
    *out++ = static_cast<char>(0xd3);
    out = put_big_endian(out, static_cast<std::uint64_t>(value), 8);
  }
  return out;
}

constexpr std::size_t k_max_header = 5;
constexpr std::size_t k_max_integer = 9;

}  // namespace

void append_msgpack_array_header(std::string& out, std::size_t size) {
  std::array<char, k_max_header> buffer;
  out.append(buffer.data(), put_array_header(buffer.data(), size));
}

void append_msgpack_string(std::string& out, std::string_view text) {
  std::array<char, k_max_header> buffer;
  out.append(buffer.data(),
             put_sized_header(buffer.data(), text.size(), 0xa0, 31, 0xd9, 0xda, 0xdb));
  out += text;
}

void append_msgpack_integer(std::string& out, std::int64_t value) {
  std::array<char, k_max_integer> buffer;
  out.append(buffer.data(), put_integer(buffer.data(), value));
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
  if (used > k_log_record_slots) {  // not a log record's shape: no fast path needed
    append_msgpack_array_header(out_, used);
    for (std::size_t i = 0; i < used; ++i)
      append_msgpack_integer(out_, record[i]);
    return;
  }
  // The record goes through a buffer on the stack sized for its worst case, then in one append.
  std::array<char, k_max_header + k_max_integer * k_log_record_slots> buffer;
  char* end = put_array_header(buffer.data(), used);
  for (std::size_t i = 0; i < used; ++i)
    end = put_integer(end, record[i]);
  out_.append(buffer.data(), end);
}

}  // namespace index_optimizer
