#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "base/index_type.hpp"
#include "config/config.hpp"
#include "filter_decoder/condition_kind.hpp"
#include "filter_decoder/decode_reason.hpp"
#include "redis/redis_connection.hpp"

namespace index_optimizer::testing {

// Filter-query events for ingestion tests, with the reference count every test compares the
// window against.

using entry_fields = std::vector<std::pair<std::string, std::string>>;

// What the window must hold for one field of one namespace.
struct expected_field {
  std::uint64_t count = 0;
  std::array<std::uint64_t, 9> type_votes{};    // by static_cast<size_t>(index_type)
  std::array<std::uint64_t, 12> kind_counts{};  // by bit number
};

struct event_reference {
  std::map<std::string, std::map<std::string, expected_field>> fields;  // namespace id -> path
  std::map<std::string, std::uint64_t> events;                          // namespace id -> events

  void add_event(const std::string& namespace_id) { ++events[namespace_id]; }
  void add_observation(const std::string& namespace_id, const std::string& path, index_type type,
                       condition_kinds kinds);
};

struct test_namespace {
  std::string id;
  std::string name;
};

// Deterministic events over `namespaces` and `field_count` fields named metadata.f<j>: each event
// filters on 1-3 distinct fields, in the Qdrant dialect, the Mixpeek dialect or the `fields`
// form, referring to its namespace by id or by name. Field j always yields the same index type
// (j % 6: keyword, integer, float, bool, text, unknown) so type votes are predictable.
class filter_event_generator {
 public:
  filter_event_generator(std::uint64_t seed, std::vector<test_namespace> namespaces,
                         std::size_t field_count);
  // The next event's entry fields; its expected effect is added to `reference`.
  entry_fields next(event_reference& reference);

 private:
  std::mt19937_64 random_;
  std::vector<test_namespace> namespaces_;
  std::size_t field_count_;
};

// Registers a namespace the way the namespace API stores it (docs/redis-keys.md).
void register_namespace(redis_connection& connection, const std::string& key_prefix,
                        const test_namespace& ns);

// XADDs every entry to `stream` (pipelined).
void add_events(redis_connection& connection, const std::string& stream,
                const std::vector<entry_fields>& events);

// The consumer group's pending count, lag and entries read (delivered to a consumer) from XINFO
// GROUPS (nullopt: no such group, or Redis cannot tell).
struct group_state {
  std::optional<long long> pending;
  std::optional<long long> lag;
  std::optional<long long> entries_read;
  bool drained() const { return pending == 0 && lag == 0; }
};
group_state read_group_state(redis_connection& connection, const std::string& stream,
                             const std::string& group);

redis_connection connect_or_throw(const redis_endpoint& endpoint);

// Every way the windows in Redis differ from `reference`, over both windows and each of
// `namespaces`: event totals, the set of fields, each field's count, type votes and kind counts
// (a failed read is a difference too). Empty when they agree.
std::vector<std::string> window_differences(redis_connection& connection, const config& cfg,
                                            const std::vector<test_namespace>& namespaces,
                                            const event_reference& reference);

// An entry the consumer must dead-letter, with the reason it must carry.
struct malformed_event {
  decode_reason reason;
  entry_fields fields;
};

// The ingest limits the oversized shapes must exceed (a test that lowers them gets small entries).
struct malformed_event_limits {
  std::size_t max_event_bytes = 65536;
  std::size_t max_filter_depth = 32;
  std::size_t max_conditions = 1000;
};

// One entry for each decode reason, in k_all_decode_reasons order. Entries that must get past the
// namespace checks name `known_namespace` (a registered namespace's name or id).
std::vector<malformed_event> malformed_events(const std::string& known_namespace,
                                              const malformed_event_limits& limits = {});

}  // namespace index_optimizer::testing
