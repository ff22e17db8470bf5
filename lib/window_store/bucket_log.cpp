#include "window_store/bucket_log.hpp"

#include <array>
#include <cstring>

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

namespace {

std::uint64_t big_endian(std::string_view bytes) noexcept {
  std::uint64_t value = 0;
  for (const char c : bytes)
    value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

}  // namespace

bucket_log_reader::bucket_log_reader(std::string_view entry) noexcept : in_(entry) {
  std::size_t size = 0;
  std::int64_t events = 0;
  if (!read_array_header(size) || size % 2 != 1 || !read_integer(events) || events < 0) {
    fail();
    return;
  }
  events_ = static_cast<std::uint64_t>(events);
  pairs_left_ = size / 2;
}

bool bucket_log_reader::fail() noexcept {
  ok_ = false;
  pairs_left_ = 0;
  return false;
}

bool bucket_log_reader::read_length(std::uint8_t fix_base, std::uint8_t fix_mask,
                                    std::size_t& length) noexcept {
  if (at_ >= in_.size()) return false;
  const auto tag = static_cast<std::uint8_t>(in_[at_]);
  if ((tag & static_cast<std::uint8_t>(~fix_mask)) == fix_base) {
    ++at_;
    length = tag & fix_mask;
    return true;
  }
  std::size_t width = 0;
  switch (tag) {
    case 0xd9:  // str 8
    case 0xc4:  // bin 8
      width = 1;
      break;
    case 0xda:  // str 16
    case 0xc5:  // bin 16
    case 0xdc:  // array 16
      width = 2;
      break;
    case 0xdb:  // str 32
    case 0xc6:  // bin 32
    case 0xdd:  // array 32
      width = 4;
      break;
    default:
      return false;
  }
  if (in_.size() - at_ < 1 + width) return false;
  length = static_cast<std::size_t>(big_endian(in_.substr(at_ + 1, width)));
  at_ += 1 + width;
  return true;
}

bool bucket_log_reader::read_array_header(std::size_t& size) noexcept {
  if (at_ >= in_.size()) return false;
  const auto tag = static_cast<std::uint8_t>(in_[at_]);
  if ((tag & 0xf0) != 0x90 && tag != 0xdc && tag != 0xdd) return false;
  return read_length(0x90, 0x0f, size);
}

bool bucket_log_reader::read_string(std::string_view& text) noexcept {
  if (at_ >= in_.size()) return false;
  const auto tag = static_cast<std::uint8_t>(in_[at_]);
  const bool is_string = (tag & 0xe0) == 0xa0 || tag == 0xd9 || tag == 0xda || tag == 0xdb ||
                         tag == 0xc4 || tag == 0xc5 || tag == 0xc6;
  std::size_t length = 0;
  if (!is_string || !read_length(0xa0, 0x1f, length) || in_.size() - at_ < length) return false;
  text = in_.substr(at_, length);
  at_ += length;
  return true;
}

bool bucket_log_reader::read_integer(std::int64_t& value) noexcept {
  if (at_ >= in_.size()) return false;
  const auto tag = static_cast<std::uint8_t>(in_[at_]);
  if (tag <= 0x7f || tag >= 0xe0) {  // positive or negative fixint
    value = static_cast<std::int8_t>(tag);
    ++at_;
    return true;
  }
  std::size_t width = 0;
  switch (tag) {
    case 0xcc:
    case 0xd0:
      width = 1;
      break;
    case 0xcd:
    case 0xd1:
      width = 2;
      break;
    case 0xce:
    case 0xd2:
    case 0xca:
      width = 4;
      break;
    case 0xcf:
    case 0xd3:
    case 0xcb:
      width = 8;
      break;
    default:
      return false;
  }
  if (in_.size() - at_ < 1 + width) return false;
  const std::uint64_t bits = big_endian(in_.substr(at_ + 1, width));
  at_ += 1 + width;
  switch (tag) {
    case 0xd0:
      value = static_cast<std::int8_t>(bits);
      break;
    case 0xd1:
      value = static_cast<std::int16_t>(bits);
      break;
    case 0xd2:
      value = static_cast<std::int32_t>(bits);
      break;
    case 0xca: {  // Lua numbers are doubles: cmsgpack may write a whole number as a float
      float f = 0;
      const auto narrow = static_cast<std::uint32_t>(bits);
      std::memcpy(&f, &narrow, sizeof f);
      if (!(f >= -9.2e18F && f <= 9.2e18F)) return false;
      value = static_cast<std::int64_t>(f);
      break;
    }
    case 0xcb: {
      double d = 0;
      std::memcpy(&d, &bits, sizeof d);
      if (!(d >= -9.2e18 && d <= 9.2e18)) return false;
      value = static_cast<std::int64_t>(d);
      break;
    }
    default:  // unsigned, and int 64
      value = static_cast<std::int64_t>(bits);
      break;
  }
  return true;
}

bool bucket_log_reader::next(std::string_view& path, log_record& record) noexcept {
  if (pairs_left_ == 0) return false;
  --pairs_left_;
  std::size_t slots = 0;
  if (!read_string(path) || !read_array_header(slots)) return fail();
  record.fill(0);
  for (std::size_t slot = 0; slot < slots; ++slot) {
    std::int64_t value = 0;
    if (!read_integer(value)) return fail();
    if (slot < record.size()) record[slot] = value;
  }
  return true;
}

}  // namespace index_optimizer
