#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "window_store/latency_histogram.hpp"

namespace index_optimizer {

// An unfolded decision bucket keeps its counts as a log: a Redis hash with one running sum per
// writer (consumer connection), which that writer's commits replace whole (ingest/writer_sums.hpp,
// docs/redis-keys.md). Storing a sum is a memory copy for Redis, where merging counts into hash
// fields, or adding entries up in Lua, costs interpreted Lua per number; the Lua helpers
// (window_lua.cpp) sum a log's few writers only when it is folded or read.
//
// A sum, like a commit's own entry, is MessagePack (Redis' Lua has cmsgpack): an array of the
// bucket's event count, then per field path the path (str) and its record (array of integers,
// trailing zeros left out):
//   [events, path, [slot 1, slot 2, ...], path, [...], ...]
// docs/redis-keys.md lists the record's slots; k_log_slot_* below name them (0-based here, Lua
// counts from 1).
inline constexpr std::size_t k_log_slot_count = 0;
inline constexpr std::size_t k_log_slot_first_seen = 1;  // kept by minimum
inline constexpr std::size_t k_log_slot_last_seen = 2;   // kept by maximum
inline constexpr std::size_t k_log_slot_latency_count = 3;
inline constexpr std::size_t k_log_slot_latency_sum = 4;
inline constexpr std::size_t k_log_slot_type_votes = 5;    // index_type 1-8 at 5-12
inline constexpr std::size_t k_log_slot_kind_counts = 13;  // condition kind slots 0-11 at 13-24
inline constexpr std::size_t k_log_slot_latency_histogram = 25;  // 31 buckets at 25-55
inline constexpr std::size_t k_log_record_slots = k_log_slot_latency_histogram + k_latency_buckets;

using log_record = std::array<std::int64_t, k_log_record_slots>;

// Writes one log entry (a batch's counts or a writer's sum). The caller announces how many paths
// follow, then adds each once.
class bucket_log_writer {
 public:
  bucket_log_writer(std::uint64_t events, std::size_t paths);

  void add(std::string_view path, std::span<const std::int64_t> record);
  // The entry; the writer is empty afterwards.
  std::string take() noexcept { return std::move(out_); }

 private:
  std::string out_;
};

// Reads one log entry or sum, as written above or by Redis' cmsgpack (any integer width, str or
// bin strings): the event count, then (path, record) by record. A record's slots past its
// written length are zero.
class bucket_log_reader {
 public:
  explicit bucket_log_reader(std::string_view entry) noexcept;

  // False once the entry turned out not to be a log entry (then next() returns false too).
  bool ok() const noexcept { return ok_; }
  std::uint64_t events() const noexcept { return events_; }
  // The next path and its record; false at the end or on malformed input.
  bool next(std::string_view& path, log_record& record) noexcept;

 private:
  bool read_integer(std::int64_t& value) noexcept;
  bool read_length(std::uint8_t fix_base, std::uint8_t fix_mask, std::size_t& length) noexcept;
  bool read_string(std::string_view& text) noexcept;
  bool read_array_header(std::size_t& size) noexcept;
  bool fail() noexcept;

  std::string_view in_;
  std::size_t at_ = 0;
  std::size_t pairs_left_ = 0;
  std::uint64_t events_ = 0;
  bool ok_ = true;
};

// MessagePack encodings (the smallest form of each value), exposed for tests.
void append_msgpack_array_header(std::string& out, std::size_t size);
void append_msgpack_integer(std::string& out, std::int64_t value);
void append_msgpack_string(std::string& out, std::string_view text);

}  // namespace index_optimizer
