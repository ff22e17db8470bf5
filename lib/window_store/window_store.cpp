#include "window_store/window_store.hpp"

#include <algorithm>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "redis/redis_script.hpp"
#include "window_store/window_keys.hpp"
#include "window_store/window_lua.hpp"

namespace index_optimizer {
namespace {

// Folds and ages out the candidates the caller read from the unfolded and due sets, in steps
// (window_lua.cpp: fold, expire, prune) within a time budget. Every key is declared (Redis
// Cluster); the script re-checks each candidate against the server's clock and the sets, and a
// bucket's progress lives in Redis, so concurrent sweepers (every consumer, every reader) carry
// each other's work on and never apply a part of a bucket twice.
const redis_script& sweep_script() {
  static const redis_script script(window_script_source(R"lua(
-- KEYS[1] the decision window's unfolded set, KEYS[2] and KEYS[3] the decision and analytics due
-- sets, KEYS[4] and KEYS[5] their buckets being aged out; other keys by their index in ARGV.
-- ARGV in order: decision bucket ms, decision length ms, analytics bucket ms, analytics length
-- ms, fold delay ms, time budget in microseconds;
--   fold count, per candidate: member, start, namespace, analytics start, keys of its bucket, its
--     log, its namespace's unfolded set, decision totals, analytics bucket, analytics totals,
--     analytics bucket set;
--   decision expiry count, per candidate: the same, then keys of the decision bucket set and the
--     namespace's field registry;
--   analytics expiry count, per candidate: member, start, keys of its bucket, analytics totals,
--     analytics bucket set, the namespace's field registry.
-- Returns {folded, decision buckets expired, analytics buckets expired, 1 if stopped by the
-- budget with work left}.
local unfolded, due_d, due_a, expiring_d, expiring_a = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local now = server_now()
local bucket_d, length_d, bucket_a, length_a, delay =
  tonumber(nxt()), tonumber(nxt()), tonumber(nxt()), tonumber(nxt()), tonumber(nxt())
local spent = budget(tonumber(nxt()))
local generation = string.format('%d', server_us())
local cut_d = oldest_start(now, bucket_d, length_d)
local cut_a = oldest_start(now, bucket_a, length_a)

local folded, expired_d, expired_a = 0, 0, 0
local function stopped()
  return {folded, expired_d, expired_a, 1}
end
local function fold_candidate()
  local b = {member = nxt(), start = nxt(), ns = nxt(), start_a = nxt()}
  b.bucket, b.log, b.unfolded_ns, b.tot_d, b.bucket_a, b.tot_a, b.nsb_a =
    key(), key(), key(), key(), key(), key(), key()
  return b
end

for _ = 1, tonumber(nxt()) do
  local b = fold_candidate()
  local touched = redis.call('ZSCORE', unfolded, b.member)
  -- Closed and idle for the fold delay, or already being folded.
  if touched and ((tonumber(touched) <= now - delay and tonumber(b.start) + bucket_d <= now) or
                  redis.call('HEXISTS', b.log, 'f') == 1) then
    if not fold(b, unfolded, due_a, cut_a, generation, spent) then return stopped() end
    folded = folded + 1
    if spent() then return stopped() end
  end
end
for _ = 1, tonumber(nxt()) do
  local b = fold_candidate()
  local nsb_d, registry = key(), key()
  if tonumber(b.start) < cut_d and redis.call('ZSCORE', due_d, b.member) then
    -- Never folded (no sweeper ran in time): the analytics window still gets its counts.
    if redis.call('ZSCORE', unfolded, b.member) then
      if not fold(b, unfolded, due_a, cut_a, generation, spent) then return stopped() end
      folded = folded + 1
    end
    if not expire(expiring_d, b.member, b.bucket, b.tot_d, spent) then return stopped() end
    if not prune(registry, now, spent) then return stopped() end
    redis.call('ZREM', due_d, b.member)
    redis.call('ZREM', nsb_d, b.start)
    expired_d = expired_d + 1
    if spent() then return stopped() end
  end
end
for _ = 1, tonumber(nxt()) do
  local member, start = nxt(), nxt()
  local bucket, tot_a, nsb_a, registry = key(), key(), key(), key()
  if tonumber(start) < cut_a and redis.call('ZSCORE', due_a, member) then
    if not expire(expiring_a, member, bucket, tot_a, spent) then return stopped() end
    if not prune(registry, now, spent) then return stopped() end
    redis.call('ZREM', due_a, member)
    redis.call('ZREM', nsb_a, start)
    expired_a = expired_a + 1
    if spent() then return stopped() end
  end
end
return {folded, expired_d, expired_a, 0}
)lua"));
  return script;
}

// The first step of reading one stream's part of a namespace's window: its unfolded buckets'
// sums as stored (the daemon adds them up, so this costs Redis a copy of their bytes), the
// totals' generation, and the totals' first HSCAN pages. Provided the unfolded set is still the
// one the caller listed ('retry' otherwise) and none of those buckets is being folded ('folding':
// the caller finishes that fold first). Unfolded buckets already out of the window are left out.
const redis_script& read_start_script() {
  static const redis_script script(window_script_source(R"lua(
-- KEYS[1] the window's totals, KEYS[2] the namespace's unfolded set, KEYS[2+i] the log of the
-- unfolded bucket starting at ARGV[3+i]. ARGV[1] bucket ms and ARGV[2] length ms of the window
-- read, ARGV[3] the time budget in microseconds.
local spent = budget(tonumber(ARGV[3]))
local current = redis.call('ZRANGE', KEYS[2], 0, -1)
if #current ~= #ARGV - 3 then return {'retry'} end
for i = 1, #current do
  if current[i] ~= ARGV[i + 3] then return {'retry'} end
end
for i = 1, #current do
  if redis.call('HEXISTS', KEYS[i + 2], 'f') == 1 then return {'folding'} end
end
local cut = oldest_start(server_now(), tonumber(ARGV[1]), tonumber(ARGV[2]))
local sums = {}
for i = 1, #current do
  if tonumber(current[i]) >= cut then
    local h = redis.call('HGETALL', KEYS[i + 2])
    for j = 1, #h, 2 do
      if is_sum_field(h[j]) then sums[#sums + 1] = h[j + 1] end
    end
  end
end
local generation = redis.call('HGET', KEYS[1], 'g') or ''
local page = scan_pages(KEYS[1], '0', spent)
return {'ok', generation, page[1], page[2], sums}
)lua"));
  return script;
}

// The next HSCAN pages of a namespace's totals, provided no fold has moved counts into them since
// the read started (their generation is the one it started from): otherwise 'retry', since a
// fold moves counts from the unfolded buckets the read already holds into the totals.
const redis_script& read_page_script() {
  static const redis_script script(window_script_source(R"lua(
-- KEYS[1] the window's totals. ARGV[1] the cursor, ARGV[2] the generation the read started
-- from, ARGV[3] the time budget in microseconds.
if (redis.call('HGET', KEYS[1], 'g') or '') ~= ARGV[2] then return {'retry'} end
local page = scan_pages(KEYS[1], ARGV[1], budget(tonumber(ARGV[3])))
return {'ok', page[1], page[2]}
)lua"));
  return script;
}

// Deletes a namespace's buckets, totals, field registry and set members in both windows,
// provided its bucket sets hold exactly the buckets the caller listed (a commit in between adds
// one: 0, list again). UNLINK frees large hashes off Redis' main thread, so this step costs
// O(buckets), not O(fields).
const redis_script& delete_script() {
  static const redis_script script(R"lua(
-- KEYS: decision and analytics bucket sets, decision and analytics totals, the namespace's
-- unfolded set, the unfolded set, decision and analytics due sets, the namespace's field
-- registry, the decision and analytics buckets being aged out, then per decision start its
-- bucket and its log, then the analytics buckets, in ARGV order. ARGV: namespace id, decision
-- bucket count, decision starts, analytics starts.
local ns = ARGV[1]
local n_d = tonumber(ARGV[2])
local n_a = #ARGV - 2 - n_d
local fixed = 11
if redis.call('ZCARD', KEYS[1]) ~= n_d or redis.call('ZCARD', KEYS[2]) ~= n_a then return 0 end
for i = 1, n_d + n_a do
  local set = i <= n_d and KEYS[1] or KEYS[2]
  if not redis.call('ZSCORE', set, ARGV[i + 2]) then return 0 end
end
for i = 1, n_d + n_a do
  local start = ARGV[i + 2]
  local member = start .. ':' .. ns
  if i <= n_d then
    redis.call('UNLINK', KEYS[fixed + 2 * i - 1], KEYS[fixed + 2 * i])
    redis.call('ZREM', KEYS[6], member)
    redis.call('ZREM', KEYS[7], member)
    redis.call('HDEL', KEYS[10], member)
  else
    redis.call('UNLINK', KEYS[fixed + n_d + i])
    redis.call('ZREM', KEYS[8], member)
    redis.call('HDEL', KEYS[11], member)
  end
end
redis.call('UNLINK', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[9])
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

// The arguments of one sweep script call: the candidates and the keys they name.
class sweep_call {
 public:
  sweep_call(std::string_view key_prefix, std::string_view stream,
             const std::array<window_spec, 2>& windows, std::chrono::milliseconds delay,
             std::chrono::microseconds budget)
      : key_prefix_(key_prefix),
        stream_(stream),
        windows_(windows),
        d_(key_prefix, stream, window_kind::decision),
        a_(key_prefix, stream, window_kind::analytics) {
    keys_ = {d_.unfolded(), d_.due(), a_.due(), d_.expiring(), a_.expiring()};
    args_ = {std::to_string(windows[0].bucket_ms), std::to_string(windows[0].length_ms),
             std::to_string(windows[1].bucket_ms), std::to_string(windows[1].length_ms),
             std::to_string(delay.count()),        std::to_string(budget.count())};
  }

  // Candidates of each kind are added together, kinds in this order, each kind after begin().
  void begin() {
    count_at_ = args_.size();
    count_ = 0;
    args_.emplace_back("0");
  }
  void add_fold(const due_member& member) {
    add_decision(member);
    bump();
  }
  void add_decision_expiry(const due_member& member) {
    add_decision(member);
    add_key(d_.namespace_buckets(member.namespace_id));
    add_key(field_registry_key(key_prefix_, stream_, member.namespace_id));
    bump();
  }
  void add_analytics_expiry(const due_member& member) {
    const auto& ns = member.namespace_id;
    args_.insert(args_.end(), {format_due_member(member.start_ms, ns), member.start});
    for (auto& k : {a_.bucket(ns, member.start), a_.totals(ns), a_.namespace_buckets(ns),
                    field_registry_key(key_prefix_, stream_, ns)})
      add_key(std::move(k));
    bump();
  }

  redis_result<sweep_step_result> run(redis_connection& connection) const {
    auto reply = eval(connection, sweep_script(), keys_, args_);
    if (!reply) return reply.error();
    if (!reply->is_array() || reply->as_array().size() != 4) {
      return unexpected("window sweep script", *reply);
    }
    const auto& counts = reply->as_array();
    sweep_step_result result;
    result.counts.folded = static_cast<std::size_t>(counts[0].to_integer().value_or(0));
    result.counts.expired[0] = static_cast<std::size_t>(counts[1].to_integer().value_or(0));
    result.counts.expired[1] = static_cast<std::size_t>(counts[2].to_integer().value_or(0));
    result.more = counts[3].to_integer().value_or(0) == 1;
    return result;
  }

 private:
  void add_key(std::string key) {
    keys_.push_back(std::move(key));
    args_.push_back(std::to_string(keys_.size()));
  }
  void bump() { args_[count_at_] = std::to_string(++count_); }
  void add_decision(const due_member& member) {
    const auto& ns = member.namespace_id;
    const std::string start_a = std::to_string(windows_[1].bucket_start(member.start_ms));
    args_.insert(args_.end(), {format_due_member(member.start_ms, ns), member.start, ns, start_a});
    for (auto& k :
         {d_.bucket(ns, member.start), d_.bucket_log(ns, member.start), d_.unfolded(ns),
          d_.totals(ns), a_.bucket(ns, start_a), a_.totals(ns), a_.namespace_buckets(ns)}) {
      add_key(std::move(k));
    }
  }

  std::string_view key_prefix_;
  std::string_view stream_;
  const std::array<window_spec, 2>& windows_;
  window_keys d_;
  window_keys a_;
  std::vector<std::string> keys_;
  std::vector<std::string> args_;
  std::size_t count_at_ = 0;
  std::size_t count_ = 0;
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
  // against the server, are worth a script call; the script decides by the server's clock. A
  // bucket being folded stays a candidate while it is listed first (no commit touches its score).
  const std::int64_t now = unix_now_ms();
  const auto& wd = windows[0];
  const auto& wa = windows[1];
  sweep_call call(key_prefix, stream, windows, delay, budget);
  std::array<std::size_t, 3> listed{};
  std::size_t taken = 0;
  for (std::size_t kind = 0; kind < 3; ++kind) {
    const auto members = scored_members((*lists)[kind]);
    listed[kind] = members.size();
    call.begin();
    for (const auto& [text, score] : members) {
      const auto member = parse_due_member(text);
      if (!member) continue;
      if (kind == 0) {
        if (score > now - delay.count() + 1000) continue;
        call.add_fold(*member);
      } else if (kind == 1) {
        if (member->start_ms >= wd.oldest_bucket_start(now) + wd.bucket_ms) continue;
        call.add_decision_expiry(*member);
      } else {
        if (member->start_ms >= wa.oldest_bucket_start(now) + wa.bucket_ms) continue;
        call.add_analytics_expiry(*member);
      }
      ++taken;
    }
  }
  sweep_step_result result;
  if (taken == 0) return result;
  auto ran = call.run(connection);
  if (!ran) return ran.error();
  result = *ran;
  const std::size_t done =
      result.counts.folded + result.counts.expired[0] + result.counts.expired[1];
  // Stopped by its time budget, or a full page with work done: there may be more behind it.
  result.more =
      result.more || (done > 0 && std::any_of(listed.begin(), listed.end(),
                                              [step](std::size_t n) { return n == step; }));
  return result;
}

// Folds every unfolded bucket of a namespace that is due (closed and idle for the fold delay) or
// being folded, one budgeted script call after another, so that a read of the namespace right
// after finds no fold moving its counts (readers retry when one does). Bounded: a fold moves a
// few paths per step, and a bucket holds at most ingest.max_fields_per_namespace paths per sum.
redis_result<void> fold_namespace(redis_connection& connection, const config& cfg,
                                  std::string_view stream,
                                  const std::array<window_spec, 2>& windows,
                                  std::string_view namespace_id) {
  const window_keys d(cfg.redis.key_prefix, stream, window_kind::decision);
  auto listed = connection.command({"ZRANGE", d.unfolded(namespace_id), "0", "-1"});
  if (!listed) return listed.error();
  if (!listed->is_array()) return unexpected("ZRANGE of unfolded buckets", *listed);
  std::vector<due_member> members;
  for (const auto& start : listed->as_array()) {
    const auto text = start.to_optional_string();
    if (!text) continue;
    if (auto member = parse_due_member(*text + ":" + std::string(namespace_id))) {
      members.push_back(std::move(*member));
    }
  }
  if (members.empty()) return {};
  constexpr int k_max_steps = 100000;
  for (int step = 0; step < k_max_steps; ++step) {
    sweep_call call(cfg.redis.key_prefix, stream, windows, fold_delay(cfg), k_sweep_budget);
    call.begin();
    for (const auto& member : members)
      call.add_fold(member);
    call.begin();
    call.begin();
    auto ran = call.run(connection);
    if (!ran) return ran.error();
    if (!ran->more) return {};
  }
  return redis_error{redis_errc::conflict, "folding the namespace's buckets did not finish"};
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

// What one attempt at reading a stream's part of a window gathered: the totals' fields (a field
// HSCAN returned twice is kept once), viewing into the replies kept here, and the unfolded
// buckets' sums.
struct stream_window_read {
  std::deque<redis_reply> replies;  // a deque: its elements never move, so views stay valid
  std::unordered_map<std::string_view, std::string_view> totals;
  std::vector<std::string> sums;

  // Keeps `reply` and takes in the HSCAN pairs of its element `page`.
  void add_totals(redis_reply reply, std::size_t page) {
    const auto& kept = replies.emplace_back(std::move(reply));
    for (const auto& [name, value] : as_pairs(kept.as_array().at(page)))
      totals.insert_or_assign(name, value);
  }
};

enum class read_attempt { done, retry };

// One attempt at a consistent read of one stream's part of a namespace's window: the first
// script call takes the unfolded buckets' sums, the totals' generation and their first pages,
// and each later call checks that generation before it reads more pages, so the sums and the
// totals never both hold (nor both miss) counts a fold moved. Every call stays within
// k_sweep_budget of Redis time.
redis_result<read_attempt> read_stream_attempt(redis_connection& connection, const config& cfg,
                                               std::string_view stream,
                                               const std::array<window_spec, 2>& windows,
                                               std::string_view namespace_id, window_kind kind,
                                               stream_window_read& out) {
  const window_spec& window = windows[static_cast<std::size_t>(kind)];
  const window_keys decision(cfg.redis.key_prefix, stream, window_kind::decision);
  const window_keys keys(cfg.redis.key_prefix, stream, kind);
  const std::string budget = std::to_string(k_sweep_budget.count());
  auto starts = connection.command({"ZRANGE", decision.unfolded(namespace_id), "0", "-1"});
  if (!starts) return starts.error();
  if (!starts->is_array()) return unexpected("ZRANGE of unfolded buckets", *starts);
  std::vector<std::string> script_keys{keys.totals(namespace_id), decision.unfolded(namespace_id)};
  std::vector<std::string> args{std::to_string(window.bucket_ms), std::to_string(window.length_ms),
                                budget};
  for (auto& start : members_of(*starts)) {
    script_keys.push_back(decision.bucket_log(namespace_id, start));
    args.push_back(std::move(start));
  }
  auto reply = eval(connection, read_start_script(), script_keys, args);
  if (!reply) return reply.error();
  if (!reply->is_array() || reply->as_array().empty()) {
    return unexpected("window read script", *reply);
  }
  const auto& parts = reply->as_array();
  const auto status = parts[0].to_optional_string();
  // A fold in progress (the next attempt finishes it first), or the unfolded set changed.
  if (status == "retry" || status == "folding") return read_attempt::retry;
  if (status != "ok" || parts.size() != 5) return unexpected("window read script", *reply);
  const std::string generation = parts[1].to_optional_string().value_or("");
  std::string cursor = parts[2].to_optional_string().value_or("0");
  out.sums = members_of(parts[4]);
  out.add_totals(std::move(*reply), 3);
  while (cursor != "0") {
    auto page =
        eval(connection, read_page_script(), std::vector<std::string>{keys.totals(namespace_id)},
             std::vector<std::string>{cursor, generation, budget});
    if (!page) return page.error();
    if (!page->is_array() || page->as_array().empty()) {
      return unexpected("window page script", *page);
    }
    const auto& items = page->as_array();
    if (items[0].to_optional_string() == "retry") return read_attempt::retry;
    if (items.size() != 3) return unexpected("window page script", *page);
    cursor = items[1].to_optional_string().value_or("0");
    out.add_totals(std::move(*page), 2);
  }
  return read_attempt::done;
}

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
    bool read = false;
    for (int attempt = 0; attempt < k_optimistic_attempts && !read; ++attempt) {
      if (auto folded = fold_namespace(connection, cfg, stream, windows, namespace_id); !folded) {
        return folded.error();
      }
      stream_window_read gathered;
      auto outcome =
          read_stream_attempt(connection, cfg, stream, windows, namespace_id, kind, gathered);
      if (!outcome) return outcome.error();
      if (*outcome == read_attempt::retry) continue;
      std::vector<std::pair<std::string_view, std::string_view>> totals;
      totals.reserve(gathered.totals.size());
      for (const auto& [name, value] : gathered.totals)
        totals.emplace_back(name, value);
      builder.add(totals);
      for (const auto& sum : gathered.sums) {
        if (!builder.add_log(sum)) {
          return redis_error{
              redis_errc::protocol,
              "a bucket log sum of namespace " + std::string(namespace_id) + " does not parse"};
        }
      }
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
                                    a.due(),
                                    field_registry_key(cfg.redis.key_prefix, stream, namespace_id),
                                    d.expiring(),
                                    a.expiring()};
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
