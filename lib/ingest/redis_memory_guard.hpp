#pragma once

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "ops/health_registry.hpp"

namespace index_optimizer {

// Commits stop while Redis is close to its `maxmemory` (docs/operations.md, "Redis memory").
//
// With `maxmemory-policy noeviction` Redis refuses a script only before its first write, so a
// commit that started under the limit writes all it carries, and commits kept Redis growing far
// past the limit. The consumers therefore sample `INFO memory` themselves and stop committing
// (and reading) while Redis is near the limit: the entries stay pending in the stream, nothing is
// lost, and counting resumes where it stopped once there is room again.

// What `INFO memory` says.
struct redis_memory_sample {
  std::uint64_t used = 0;  // used_memory
  std::uint64_t max = 0;   // maxmemory; 0: no limit
  std::string policy;      // maxmemory_policy ("noeviction", "allkeys-lru", ...)

  bool operator==(const redis_memory_sample&) const = default;
};

// The fields above from `INFO memory` text ("key:value" lines); nullopt without used_memory and
// maxmemory (not an INFO memory reply).
std::optional<redis_memory_sample> parse_info_memory(std::string_view info);

// The headroom rule, with hysteresis so the gate does not flap around one figure.
struct memory_headroom_policy {
  double pause_at = 0.95;      // used_memory >= 95 % of maxmemory: commits pause
  double resume_below = 0.90;  // used_memory < 90 % of maxmemory: commits resume
  // A consumer samples INFO memory this often (at most 0.1 ms of Redis time per sample), and more
  // often near the line, where one second of commits could cross it.
  std::chrono::milliseconds interval{1000};
  std::chrono::milliseconds interval_near{100};
  double near = 0.85;
};

enum class commit_gate { open, paused };

std::string_view to_string(commit_gate gate) noexcept;

// The gate after `sample`, starting from `current`. Without a maxmemory the gate is open.
commit_gate next_commit_gate(commit_gate current, const redis_memory_sample& sample,
                             const memory_headroom_policy& policy) noexcept;

// How long until the next sample after `sample`.
std::chrono::milliseconds next_sample_in(const redis_memory_sample& sample,
                                         const memory_headroom_policy& policy) noexcept;

// The gate of one process, shared by its consumers (each samples on its own lookup connection)
// and read by /readyz. Thread-safe. Logs once per change of the gate: an error when commits
// pause, info when they resume; and a warning once when Redis may evict the daemon's keys.
class redis_memory_guard {
 public:
  explicit redis_memory_guard(prometheus::Registry& registry, memory_headroom_policy policy = {});

  const memory_headroom_policy& policy() const noexcept { return policy_; }

  void observe(const redis_memory_sample& sample);
  // INFO memory was refused (an ACL without INFO, a renamed command): the gate stays open, since
  // refusing to count on a guess would stop ingestion for good; warned once.
  void unavailable(std::string_view why);

  bool paused() const noexcept { return paused_.load(); }

  // For /readyz: fails while commits are paused, naming the figures and what to do.
  health_check_result check() const;

 private:
  static std::string describe(const redis_memory_sample& sample, commit_gate gate,
                              const memory_headroom_policy& policy);

  const memory_headroom_policy policy_;
  prometheus::Gauge& used_bytes_;
  prometheus::Gauge& max_bytes_;
  prometheus::Gauge& paused_gauge_;
  std::atomic<bool> paused_{false};
  mutable std::mutex mutex_;
  commit_gate gate_ = commit_gate::open;
  std::optional<redis_memory_sample> last_;
  bool warned_policy_ = false;
  bool warned_unavailable_ = false;
};

}  // namespace index_optimizer
