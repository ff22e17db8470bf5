#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "filter_decoder/decode_reason.hpp"
#include "filter_decoder/event_decoder.hpp"

namespace index_optimizer {

// What the dead-letter stream keeps of an entry that cannot be counted (docs/events.md,
// "Dead-letter stream"). An entry within the limits is kept whole, so it can be replayed once the
// cause is fixed; a larger one (the stream's cap counts entries, not bytes) only as a prefix with
// its size and a hash, so a flood of huge entries costs the dead-letter stream little.

// Entries with more fields than this, or more bytes than the whole limit (ingest.max_event_bytes),
// are kept as a prefix.
inline constexpr std::size_t k_dead_letter_max_fields = 256;
// The most bytes of names and values a prefix keeps.
inline constexpr std::size_t k_dead_letter_prefix_bytes = 4096;

enum class dead_letter_storage { whole, prefix };

std::string_view to_string(dead_letter_storage storage) noexcept;

struct dead_letter_entry {
  dead_letter_entry() = default;
  // A whole dead letter of these fields.
  dead_letter_entry(std::string source_id, decode_reason why, std::string text,
                    std::vector<std::pair<std::string, std::string>> kept)
      : id(std::move(source_id)), reason(why), message(std::move(text)), fields(std::move(kept)) {}

  std::string id;
  decode_reason reason = decode_reason::invalid_filter;
  std::string message;
  // The entry's own fields in entry order: all of them, or for a prefix the first ones, cut.
  std::vector<std::pair<std::string, std::string>> fields;
  dead_letter_storage stored = dead_letter_storage::whole;
  std::uint64_t source_bytes = 0;  // the original entry's names and values
  std::string source_sha256;       // entry_sha256 of the original, for a prefix only
};

// SHA-256 (lower-case hex) of an entry's fields as netstrings: for each name and each value in
// entry order, "<decimal length>:<bytes>,". Unambiguous whatever the bytes, and easy to recompute
// from a producer's log (docs/events.md gives a one-liner).
std::string entry_sha256(std::span<const entry_field> fields);

// The dead letter of entry `id` with `fields`: whole when it has at most k_dead_letter_max_fields
// fields and `whole_limit` bytes, else its first fields cut to k_dead_letter_prefix_bytes in all
// (at UTF-8 boundaries), with its size and hash.
dead_letter_entry make_dead_letter(std::string_view id, std::span<const entry_field> fields,
                                   decode_reason reason, std::string message,
                                   std::uint64_t whole_limit);

// Appends the dead-letter stream entry for `dead`, read from `source_stream`, as field, value,
// ...: ours first (reason, message, source_stream, source_id, source_bytes, source_stored, and
// source_sha256 for a prefix), then source_fields and the kept original pairs last.
void append_dead_letter_fields(const dead_letter_entry& dead, std::string_view source_stream,
                               std::vector<std::string>& out);

// A dead-letter stream entry read back, viewing into the reply it came from.
struct stored_dead_letter {
  std::string_view reason;
  std::string_view source_stream;
  std::string_view source_id;
  bool whole = false;  // the original fields are all there, as they were
  std::vector<entry_field> original;
};

// nullopt when `fields` is not a dead letter this daemon writes. Entries written before
// source_stored existed count as whole unless they hold k_dead_letter_max_fields pairs (they may
// have been cut there).
std::optional<stored_dead_letter> parse_dead_letter(std::span<const entry_field> fields);

}  // namespace index_optimizer
