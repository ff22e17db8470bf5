#include "window_store/window_store.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "redis/redis_script.hpp"
#include "window_store/window_keys.hpp"
#include "window_store/window_lua.hpp"

namespace index_optimizer {
namespace {

// Folds and expires the candidates the caller read from the unfolded and due sets. Every key is
// declared (Redis Cluster); the script re-checks each candidate against the server's clock and
// the sets, so concurrent sweepers (every consumer, every reader) never fold or subtract a bucket
// twice.
const redis_script& sweep_script() {
  static const redis_script script(window_script_source(R"lua(
-- KEYS[1] the decision window's unfolded set, KEYS[2] and KEYS[3] the decision and analytics due
-- sets; other keys by their index in ARGV. ARGV in order: decision bucket ms, decision length ms,
-- analytics bucket ms, analytics length ms, fold delay ms, time budget in microseconds;
--   fold count, per candidate: member, start, namespace, analytics start, keys of its bucket, its
--     log, its namespace's unfolded set, decision totals, analytics bucket, analytics totals,
--     analytics bucket set;
--   decision expiry count, per candidate: member, start, namespace, analytics start, keys of its
--     bucket, its log, unfolded set, decision totals, decision bucket set, analytics bucket,
--     analytics totals, analytics bucket set;
--   analytics expiry count, per candidate: member, start, keys of its bucket, analytics totals,
--     analytics bucket set.
local unfolded, due_d, due_a = KEYS[1], KEYS[2], KEYS[3]
local now = server_now()
local bucket_d, length_d, bucket_a, length_a, delay =
  tonumber(nxt()), tonumber(nxt()), tonumber(nxt()), tonumber(nxt()), tonumber(nxt())
local cut_d = oldest_start(now, bucket_d, length_d)
local cut_a = oldest_start(now, bucket_a, length_a)

-- The bucket's log, summed, moves into the bucket hash and every total.
local function fold(member, start, ns, start_a, bucket, log, unfolded_ns, tot_d, bucket_a_key,
                    tot_a, nsb_a)
  local d = log_delta(log_read(log))
  merge(bucket, d)
  merge(tot_d, d)
  if tonumber(start_a) >= cut_a then
    merge(bucket_a_key, d)
    merge(tot_a, d)
    redis.call('ZADD', due_a, start_a, start_a .. ':' .. ns)
    redis.call('ZADD', nsb_a, start_a, start_a)
  end
  redis.call('DEL', log)
  redis.call('ZREM', unfolded, member)
  redis.call('ZREM', unfolded_ns, start)
end

-- Redis serves nobody while a script runs, and folding or ageing out one (namespace, bucket) of
-- a namespace with hundreds of fields takes milliseconds: the script stops once it has worked
-- for `budget_us`, after the candidate that took it there, and says so; the caller calls again
-- (other clients' commands are served in between).
local t0 = redis.call('TIME')
local budget_us = tonumber(nxt())
local function spent()
  local t = redis.call('TIME')
  return (tonumber(t[1]) - tonumber(t0[1])) * 1000000 + tonumber(t[2]) - tonumber(t0[2]) >=
    budget_us
end

local folded, expired_d, expired_a = 0, 0, 0
for _ = 1, tonumber(nxt()) do
  local member, start, ns, start_a = nxt(), nxt(), nxt(), nxt()
  local bucket, log, unfolded_ns, tot_d, bucket_a_key, tot_a, nsb_a = key(), key(), key(), key(),
    key(), key(), key()
  local touched = redis.call('ZSCORE', unfolded, member)
  if touched and tonumber(touched) <= now - delay and tonumber(start) + bucket_d <= now then
    fold(member, start, ns, start_a, bucket, log, unfolded_ns, tot_d, bucket_a_key, tot_a, nsb_a)
    folded = folded + 1
    if spent() then return {folded, expired_d, expired_a, 1} end
  end
end
for _ = 1, tonumber(nxt()) do
  local member, start, ns, start_a = nxt(), nxt(), nxt(), nxt()
  local bucket, log, unfolded_ns, tot_d, nsb_d, bucket_a_key, tot_a, nsb_a = key(), key(), key(),
    key(), key(), key(), key(), key()
  if tonumber(start) < cut_d and redis.call('ZSCORE', due_d, member) then
    -- Never folded (no sweeper ran in time): the analytics window still gets its counts.
    if redis.call('ZSCORE', unfolded, member) then
      fold(member, start, ns, start_a, bucket, log, unfolded_ns, tot_d, bucket_a_key, tot_a,
           nsb_a)
    end
    subtract(tot_d, redis.call('HGETALL', bucket))
    redis.call('DEL', bucket, log)
    redis.call('ZREM', due_d, member)
    redis.call('ZREM', nsb_d, start)
    expired_d = expired_d + 1
    if spent() then return {folded, expired_d, expired_a, 1} end
  end
end
for _ = 1, tonumber(nxt()) do
  local member, start = nxt(), nxt()
  local bucket, tot_a, nsb_a = key(), key(), key()
  if tonumber(start) < cut_a and redis.call('ZSCORE', due_a, member) then
    subtract(tot_a, redis.call('HGETALL', bucket))
    redis.call('DEL', bucket)
    redis.call('ZREM', due_a, member)
    redis.call('ZREM', nsb_a, start)
    expired_a = expired_a + 1
    if spent() then return {folded, expired_d, expired_a, 1} end
  end
end
return {folded, expired_d, expired_a, 0}
)lua"));
  return script;
}

// A namespace's totals plus its unfolded buckets (their logs summed, listed like HGETALL lists a
// bucket hash), provided the unfolded set is still the one the caller listed (a fold or a new
// bucket in between: 'retry'). Unfolded buckets already out of the window are left out.
const redis_script& read_script() {
  static const redis_script script(window_script_source(R"lua(
-- KEYS[1] the window's totals, KEYS[2] the namespace's unfolded set, KEYS[2+i] the log of the
-- unfolded bucket starting at ARGV[2+i]. ARGV[1] bucket ms, ARGV[2] length ms of the window read.
local current = redis.call('ZRANGE', KEYS[2], 0, -1)
if #current ~= #ARGV - 2 then return {'retry'} end
for i = 1, #current do
  if current[i] ~= ARGV[i + 2] then return {'retry'} end
end
local cut = oldest_start(server_now(), tonumber(ARGV[1]), tonumber(ARGV[2]))
local out = {'ok', redis.call('HGETALL', KEYS[1])}
for i = 1, #current do
  if tonumber(current[i]) >= cut then
    out[#out + 1] = delta_pairs(log_delta(log_read(KEYS[i + 2])))
  end
end
return out
)lua"));
  return script;
}

// Deletes a namespace's buckets, totals and set members in both windows, provided its bucket
// sets hold exactly the buckets the caller listed (a commit in between adds one: 0, list again).
const redis_script& delete_script() {
  static const redis_script script(R"lua(
-- KEYS: decision and analytics bucket sets, decision and analytics totals, the namespace's
-- unfolded set, the unfolded set, decision and analytics due sets, then per decision start its
-- bucket and its log, then the analytics buckets, in ARGV order. ARGV: namespace id, decision
-- bucket count, decision starts, analytics starts.
local ns = ARGV[1]
local n_d = tonumber(ARGV[2])
local n_a = #ARGV - 2 - n_d
if redis.call('ZCARD', KEYS[1]) ~= n_d or redis.call('ZCARD', KEYS[2]) ~= n_a then return 0 end
for i = 1, n_d + n_a do
  local set = i <= n_d and KEYS[1] or KEYS[2]
  if not redis.call('ZSCORE', set, ARGV[i + 2]) then return 0 end
end
for i = 1, n_d + n_a do
  local start = ARGV[i + 2]
  if i <= n_d then
    redis.call('DEL', KEYS[8 + 2 * i - 1], KEYS[8 + 2 * i])
    redis.call('ZREM', KEYS[6], start .. ':' .. ns)
    redis.call('ZREM', KEYS[7], start .. ':' .. ns)
  else
    redis.call('DEL', KEYS[8 + n_d + i])
    redis.call('ZREM', KEYS[8], start .. ':' .. ns)
  end
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
return 1
)lua");
  return script;
}

redis_error unexpected(std::string_view what, const redis_reply& reply) {
  return redis_error{redis_errc::server, std::string(what) + ": " + describe(reply)};
}

// Members and scores of a ZRANGE ... WITHSCORES reply.
std::vector<std::pair<std::string, std::int64_t>> scored_members(const redis_reply& reply) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  if (!reply.is_array()) return out;
  const auto& items = reply.as_array();
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    const auto member = items[i].to_optional_string();
    const auto score = items[i + 1].to_optional_string();
    if (!member || !score) continue;
    try {
      out.emplace_back(*member, static_cast<std::int64_t>(std::stod(*score)));
    } catch (const std::exception&) {
      continue;
    }
  }
  return out;
}

struct sweep_step_result {
  sweep_counts counts;
  bool more = false;
};

redis_result<sweep_step_result> sweep_step(redis_connection& connection,
                                           std::string_view key_prefix, std::string_view stream,
                                           const std::array<window_spec, 2>& windows,
                                           std::chrono::milliseconds delay, std::size_t step,
                                           std::chrono::microseconds budget) {
  const window_keys d(key_prefix, stream, window_kind::decision);
  const window_keys a(key_prefix, stream, window_kind::analytics);
  const std::string last = std::to_string(step - 1);
  auto lists = connection.pipeline({{"ZRANGE", d.unfolded(), "0", last, "WITHSCORES"},
                                    {"ZRANGE", d.due(), "0", last, "WITHSCORES"},
                                    {"ZRANGE", a.due(), "0", last, "WITHSCORES"}});
  if (!lists) return lists.error();
  for (const auto& reply : *lists) {
    if (reply.is_error()) return unexpected("ZRANGE of a window set", reply);
  }
  // Only candidates our clock says are due, give or take a bucket (or a second) of clock skew
  // against the server, are worth a script call; the script decides by the server's clock.
  const std::int64_t now = unix_now_ms();
  const auto& wd = windows[0];
  const auto& wa = windows[1];
  std::vector<std::string> keys{d.unfolded(), d.due(), a.due()};
  std::vector<std::string> args{std::to_string(wd.bucket_ms),  std::to_string(wd.length_ms),
                                std::to_string(wa.bucket_ms),  std::to_string(wa.length_ms),
                                std::to_string(delay.count()), std::to_string(budget.count())};
  auto key_index = [&keys](std::string key) {
    keys.push_back(std::move(key));
    return std::to_string(keys.size());
  };
  std::array<std::size_t, 3> listed{};
  std::array<std::size_t, 3> taken{};
  for (std::size_t kind = 0; kind < 3; ++kind) {
    const auto members = scored_members((*lists)[kind]);
    listed[kind] = members.size();
    const std::size_t count_at = args.size();
    args.emplace_back();
    for (const auto& [text, score] : members) {
      const auto member = parse_due_member(text);
      if (!member) continue;
      const auto& ns = member->namespace_id;
      if (kind == 0) {
        if (score > now - delay.count() + 1000) continue;
        const std::string start_a = std::to_string(wa.bucket_start(member->start_ms));
        args.insert(args.end(), {text, member->start, ns, start_a});
        for (auto& k :
             {d.bucket(ns, member->start), d.bucket_log(ns, member->start), d.unfolded(ns),
              d.totals(ns), a.bucket(ns, start_a), a.totals(ns), a.namespace_buckets(ns)}) {
          args.push_back(key_index(k));
        }
      } else if (kind == 1) {
        if (member->start_ms >= wd.oldest_bucket_start(now) + wd.bucket_ms) continue;
        const std::string start_a = std::to_string(wa.bucket_start(member->start_ms));
        args.insert(args.end(), {text, member->start, ns, start_a});
        for (auto& k : {d.bucket(ns, member->start), d.bucket_log(ns, member->start),
                        d.unfolded(ns), d.totals(ns), d.namespace_buckets(ns),
                        a.bucket(ns, start_a), a.totals(ns), a.namespace_buckets(ns)}) {
          args.push_back(key_index(k));
        }
      } else {
        if (member->start_ms >= wa.oldest_bucket_start(now) + wa.bucket_ms) continue;
        args.insert(args.end(), {text, member->start});
        for (auto& k : {a.bucket(ns, member->start), a.totals(ns), a.namespace_buckets(ns)})
          args.push_back(key_index(k));
      }
      ++taken[kind];
    }
    args[count_at] = std::to_string(taken[kind]);
  }
  sweep_step_result result;
  if (taken[0] + taken[1] + taken[2] == 0) return result;
  auto reply = eval(connection, sweep_script(), keys, args);
  if (!reply) return reply.error();
  if (!reply->is_array() || reply->as_array().size() != 4) {
    return unexpected("window sweep script", *reply);
  }
  const auto& counts = reply->as_array();
  result.counts.folded = static_cast<std::size_t>(counts[0].to_integer().value_or(0));
  result.counts.expired[0] = static_cast<std::size_t>(counts[1].to_integer().value_or(0));
  result.counts.expired[1] = static_cast<std::size_t>(counts[2].to_integer().value_or(0));
  const std::size_t done =
      result.counts.folded + result.counts.expired[0] + result.counts.expired[1];
  // Stopped by its time budget, or a full page with work done: there may be more behind it.
  const bool stopped = counts[3].to_integer().value_or(0) == 1;
  result.more = stopped || (done > 0 && std::any_of(listed.begin(), listed.end(),
                                                    [step](std::size_t n) { return n == step; }));
  return result;
}

std::vector<std::pair<std::string_view, std::string_view>> as_pairs(const redis_reply& reply) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  if (!reply.is_array()) return out;
  const auto& items = reply.as_array();
  out.reserve(items.size() / 2);
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    if (!items[i].is_string() || !items[i + 1].is_string()) continue;
    out.emplace_back(items[i].as_string(), items[i + 1].as_string());
  }
  return out;
}

std::vector<std::string> members_of(const redis_reply& reply) {
  std::vector<std::string> out;
  if (!reply.is_array()) return out;
  for (const auto& item : reply.as_array()) {
    if (auto text = item.to_optional_string()) out.push_back(std::move(*text));
  }
  return out;
}

constexpr int k_optimistic_attempts = 10;

}  // namespace

std::chrono::milliseconds fold_delay(const config& cfg) {
  return std::max(std::chrono::milliseconds(2000),
                  2 * std::chrono::duration_cast<std::chrono::milliseconds>(
                          cfg.ingest.commit_interval + cfg.ingest.block));
}

redis_result<sweep_counts> sweep_windows(redis_connection& connection, std::string_view key_prefix,
                                         std::string_view stream,
                                         const std::array<window_spec, 2>& windows,
                                         std::chrono::milliseconds delay, std::size_t step_buckets,
                                         std::size_t max_steps, std::chrono::microseconds budget) {
  sweep_counts total;
  for (std::size_t step = 0; step < max_steps; ++step) {
    auto result = sweep_step(connection, key_prefix, stream, windows, delay,
                             std::max<std::size_t>(step_buckets, 1), budget);
    if (!result) return result.error();
    total.folded += result->counts.folded;
    total.expired[0] += result->counts.expired[0];
    total.expired[1] += result->counts.expired[1];
    if (!result->more) break;
  }
  return total;
}

redis_result<namespace_window_stats> read_namespace_window(redis_connection& connection,
                                                           const config& cfg,
                                                           std::string_view namespace_id,
                                                           window_kind kind) {
  const auto windows = window_specs(cfg.window);
  const window_spec& window = windows[static_cast<std::size_t>(kind)];
  window_totals_builder builder;
  for (const auto& stream : cfg.ingest.streams) {
    auto swept = sweep_windows(connection, cfg.redis.key_prefix, stream, windows, fold_delay(cfg));
    if (!swept) return swept.error();
    const window_keys decision(cfg.redis.key_prefix, stream, window_kind::decision);
    const window_keys keys(cfg.redis.key_prefix, stream, kind);
    bool read = false;
    for (int attempt = 0; attempt < k_optimistic_attempts && !read; ++attempt) {
      auto starts = connection.command({"ZRANGE", decision.unfolded(namespace_id), "0", "-1"});
      if (!starts) return starts.error();
      if (!starts->is_array()) return unexpected("ZRANGE of unfolded buckets", *starts);
      std::vector<std::string> script_keys{keys.totals(namespace_id),
                                           decision.unfolded(namespace_id)};
      std::vector<std::string> args{std::to_string(window.bucket_ms),
                                    std::to_string(window.length_ms)};
      for (auto& start : members_of(*starts)) {
        script_keys.push_back(decision.bucket_log(namespace_id, start));
        args.push_back(std::move(start));
      }
      auto reply = eval(connection, read_script(), script_keys, args);
      if (!reply) return reply.error();
      if (!reply->is_array() || reply->as_array().empty()) {
        return unexpected("window read script", *reply);
      }
      const auto& parts = reply->as_array();
      if (parts[0].to_optional_string() != "ok") continue;
      for (std::size_t i = 1; i < parts.size(); ++i)
        builder.add(as_pairs(parts[i]));
      read = true;
    }
    if (!read) {
      return redis_error{redis_errc::conflict,
                         "the namespace's window kept changing while being read; retry"};
    }
  }
  return std::move(builder).build(std::string(namespace_id), window);
}

redis_result<void> delete_namespace_counts(redis_connection& connection, const config& cfg,
                                           const std::string& namespace_id) {
  for (const auto& stream : cfg.ingest.streams) {
    const window_keys d(cfg.redis.key_prefix, stream, window_kind::decision);
    const window_keys a(cfg.redis.key_prefix, stream, window_kind::analytics);
    bool deleted = false;
    for (int attempt = 0; attempt < k_optimistic_attempts && !deleted; ++attempt) {
      auto lists = connection.pipeline({{"ZRANGE", d.namespace_buckets(namespace_id), "0", "-1"},
                                        {"ZRANGE", a.namespace_buckets(namespace_id), "0", "-1"}});
      if (!lists) return lists.error();
      const auto starts_d = members_of((*lists)[0]);
      const auto starts_a = members_of((*lists)[1]);
      std::vector<std::string> keys{d.namespace_buckets(namespace_id),
                                    a.namespace_buckets(namespace_id),
                                    d.totals(namespace_id),
                                    a.totals(namespace_id),
                                    d.unfolded(namespace_id),
                                    d.unfolded(),
                                    d.due(),
                                    a.due()};
      std::vector<std::string> args{namespace_id, std::to_string(starts_d.size())};
      for (const auto& start : starts_d) {
        keys.push_back(d.bucket(namespace_id, start));
        keys.push_back(d.bucket_log(namespace_id, start));
        args.push_back(start);
      }
      for (const auto& start : starts_a) {
        keys.push_back(a.bucket(namespace_id, start));
        args.push_back(start);
      }
      auto reply = eval(connection, delete_script(), keys, args);
      if (!reply) return reply.error();
      if (!reply->is_integer()) return unexpected("window delete script", *reply);
      deleted = reply->as_integer() == 1;
    }
    if (!deleted) {
      return redis_error{redis_errc::conflict,
                         "the namespace's window counts kept changing while being deleted "
                         "(events of it are still being counted); retry"};
    }
  }
  return {};
}

}  // namespace index_optimizer
