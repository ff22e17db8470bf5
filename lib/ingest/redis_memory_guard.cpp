#include "ingest/redis_memory_guard.hpp"

#include <charconv>
#include <cmath>

#include "ops/logger.hpp"

namespace index_optimizer {
namespace {

std::optional<std::uint64_t> to_unsigned(std::string_view text) noexcept {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

double ratio(const redis_memory_sample& sample) noexcept {
  return sample.max == 0 ? 0.0 : static_cast<double>(sample.used) / static_cast<double>(sample.max);
}

std::string percent(double fraction) {
  return std::to_string(static_cast<long long>(std::lround(fraction * 100))) + "%";
}

prometheus::Gauge& gauge(prometheus::Registry& registry, const std::string& name,
                         const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

std::optional<redis_memory_sample> parse_info_memory(std::string_view info) {
  redis_memory_sample sample;
  bool has_used = false;
  bool has_max = false;
  while (!info.empty()) {
    const auto end = info.find('\n');
    auto line = info.substr(0, end);
    info = end == std::string_view::npos ? std::string_view{} : info.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const auto key = line.substr(0, colon);
    const auto value = line.substr(colon + 1);
    if (key == "used_memory") {
      const auto parsed = to_unsigned(value);
      if (!parsed) return std::nullopt;
      sample.used = *parsed;
      has_used = true;
    } else if (key == "maxmemory") {
      const auto parsed = to_unsigned(value);
      if (!parsed) return std::nullopt;
      sample.max = *parsed;
      has_max = true;
    } else if (key == "maxmemory_policy") {
      sample.policy = std::string(value);
    }
  }
  if (!has_used || !has_max) return std::nullopt;
  return sample;
}

std::string_view to_string(commit_gate gate) noexcept {
  return gate == commit_gate::paused ? "paused" : "open";
}

commit_gate next_commit_gate(commit_gate current, const redis_memory_sample& sample,
                             const memory_headroom_policy& policy) noexcept {
  if (sample.max == 0) return commit_gate::open;
  const double used = ratio(sample);
  if (used >= policy.pause_at) return commit_gate::paused;
  if (used < policy.resume_below) return commit_gate::open;
  return current;  // between the two lines: as it was
}

std::chrono::milliseconds next_sample_in(const redis_memory_sample& sample,
                                         const memory_headroom_policy& policy) noexcept {
  return sample.max != 0 && ratio(sample) >= policy.near ? policy.interval_near : policy.interval;
}

redis_memory_guard::redis_memory_guard(prometheus::Registry& registry,
                                       memory_headroom_policy policy)
    : policy_(policy),
      used_bytes_(
          gauge(registry, "index_optimizer_redis_used_memory_bytes",
                "Redis used_memory as last sampled by the stream consumers (INFO memory).")),
      max_bytes_(gauge(registry, "index_optimizer_redis_maxmemory_bytes",
                       "Redis maxmemory as last sampled (0: no limit).")),
      paused_gauge_(gauge(registry, "index_optimizer_ingest_commits_paused",
                          "1 while commits are paused because Redis used_memory reached 95% of "
                          "maxmemory (they resume below 90%); entries wait in the stream.")) {}

std::string redis_memory_guard::describe(const redis_memory_sample& sample, commit_gate gate,
                                         const memory_headroom_policy& policy) {
  std::string text = "Redis used_memory is " + percent(ratio(sample)) + " of maxmemory (" +
                     std::to_string(sample.used) + " of " + std::to_string(sample.max) + " bytes)";
  if (gate == commit_gate::paused) {
    text +=
        ": ingestion commits are paused (events wait in the stream, none is lost) until it "
        "is below " +
        percent(policy.resume_below) +
        "; raise Redis maxmemory or free memory (docs/operations.md, \"Redis memory\")";
  }
  return text;
}

void redis_memory_guard::observe(const redis_memory_sample& sample) {
  used_bytes_.Set(static_cast<double>(sample.used));
  max_bytes_.Set(static_cast<double>(sample.max));
  std::lock_guard lock(mutex_);
  last_ = sample;
  if (!warned_policy_ && sample.max != 0 && !sample.policy.empty() &&
      sample.policy != "noeviction") {
    warned_policy_ = true;
    log_warn(
        "redis: maxmemory-policy is not noeviction: when full, Redis evicts keys, namespaces and "
        "window counts included; set maxmemory-policy noeviction",
        {{"policy", sample.policy}});
  }
  const auto next = next_commit_gate(gate_, sample, policy_);
  if (next == gate_) return;
  gate_ = next;
  paused_.store(next == commit_gate::paused);
  paused_gauge_.Set(next == commit_gate::paused ? 1 : 0);
  if (next == commit_gate::paused) {
    log_error("ingest: " + describe(sample, next, policy_),
              {{"used_memory", sample.used}, {"maxmemory", sample.max}});
  } else {
    log_info("ingest: Redis has room again; commits resume",
             {{"used_memory", sample.used}, {"maxmemory", sample.max}});
  }
}

void redis_memory_guard::unavailable(std::string_view why) {
  std::lock_guard lock(mutex_);
  if (warned_unavailable_) return;
  warned_unavailable_ = true;
  log_warn(
      "ingest: cannot read INFO memory, so commits are not paused when Redis nears maxmemory; "
      "allow INFO for the daemon's Redis user",
      {{"error", why}});
}

health_check_result redis_memory_guard::check() const {
  std::lock_guard lock(mutex_);
  if (gate_ == commit_gate::open) return {"redis_memory", true, ""};
  return {"redis_memory", false, describe(*last_, gate_, policy_)};
}

}  // namespace index_optimizer
