#include "ingest/commit_script.hpp"

#include "redis/redis_script.hpp"
#include "window_store/window_lua.hpp"

namespace index_optimizer {
namespace {

const redis_script& commit_script() {
  static const redis_script script(window_script_source(R"lua(
-- KEYS[1] the stream, KEYS[2] its dead-letter stream, KEYS[3] the decision window's unfolded
-- set, KEYS[4] and KEYS[5] the decision and analytics due sets; the other keys are named by their
-- index in ARGV. ARGV, read in order (batch_aggregate::encode writes it):
--   group, consumer, lowest id, highest id, n, n entry ids,
--   dead-letter max length, dead-letter count, per dead letter: m, m strings (field, value, ...),
--   decision bucket ms, decision length ms, analytics bucket ms, analytics length ms,
--   namespace count, per namespace: id, keys of decision totals, analytics totals, unfolded set,
--     decision bucket set, analytics bucket set;
--     decision bucket count, per bucket: start, bucket key, analytics start, analytics bucket key,
--       then a bucket delta;
--     analytics-only bucket count (events too old for the decision window), per bucket: start,
--       bucket key, then a bucket delta;
--     sample count, per sample: path, sample.
--   A bucket delta: events, pair count, (hash field, increment) pairs, seen count, per seen
--   field: path, first seen ms, last seen ms.
local stream, dead, unfolded, due_d, due_a = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local group, consumer, lowest, highest = nxt(), nxt(), nxt(), nxt()
local n = tonumber(nxt())
local ids_at = a
a = a + n

-- Nothing is written unless every entry is still pending for this consumer.
if n > 0 then
  local owned = {}
  for _, e in ipairs(redis.call('XPENDING', stream, group, lowest, highest, n, consumer)) do
    owned[e[1]] = true
  end
  for i = ids_at, ids_at + n - 1 do
    local id = ARGV[i]
    if not owned[id] and #redis.call('XPENDING', stream, group, id, id, 1, consumer) == 0 then
      return {'stale', id}
    end
  end
end

local acked = 0
local i = ids_at
while i < ids_at + n do
  local j = math.min(i + 999, ids_at + n - 1)
  acked = acked + redis.call('XACK', stream, group, unpack(ARGV, i, j))
  i = j + 1
end

local max_len = nxt()
for _ = 1, tonumber(nxt()) do
  local m = tonumber(nxt())
  local args = {'XADD', dead}
  if max_len ~= '0' then
    args[#args + 1] = 'MAXLEN'
    args[#args + 1] = '~'
    args[#args + 1] = max_len
  end
  args[#args + 1] = '*'
  for _ = 1, m do args[#args + 1] = nxt() end
  redis.call(unpack(args))
end

local function read_delta()
  local d = new_delta()
  local events = tonumber(nxt())
  delta_add(d, 'e', events)
  for _ = 1, tonumber(nxt()) do
    local f = nxt()
    delta_add(d, f, tonumber(nxt()))
  end
  local paths = {}
  for _ = 1, tonumber(nxt()) do
    local path = nxt()
    paths[#paths + 1] = path
    delta_low(d, 'fs:' .. path, tonumber(nxt()))
    delta_high(d, 'ls:' .. path, tonumber(nxt()))
  end
  return d, events, paths
end

local now = server_now()
local bucket_d, length_d, bucket_a, length_a =
  tonumber(nxt()), tonumber(nxt()), tonumber(nxt()), tonumber(nxt())
local cut_d = oldest_start(now, bucket_d, length_d)
local cut_a = oldest_start(now, bucket_a, length_a)
local late = {0, 0}
for _ = 1, tonumber(nxt()) do
  local ns = nxt()
  local tot_d, tot_a, unfolded_ns, nsb_d, nsb_a = key(), key(), key(), key(), key()
  local counted_d, counted_a = {}, {}
  local to_tot_d, to_tot_a = new_delta(), new_delta()
  local to_buckets_a, buckets_a = {}, {}
  local function mark(set, paths)
    for _, path in ipairs(paths) do set[path] = true end
  end
  -- Counts that go straight to the analytics window (its bucket and totals).
  local function to_analytics(start_a, bucket, d, events, paths)
    if tonumber(start_a) < cut_a then
      late[2] = late[2] + events
      return
    end
    if to_buckets_a[bucket] == nil then
      to_buckets_a[bucket] = new_delta()
      buckets_a[#buckets_a + 1] = bucket
      redis.call('ZADD', due_a, start_a, start_a .. ':' .. ns)
      redis.call('ZADD', nsb_a, start_a, start_a)
    end
    delta_combine(to_buckets_a[bucket], d)
    delta_combine(to_tot_a, d)
    mark(counted_a, paths)
  end
  for _ = 1, tonumber(nxt()) do
    local start, bucket, start_a, bucket_a_key = nxt(), key(), nxt(), key()
    local d, events, paths = read_delta()
    local member = start .. ':' .. ns
    if tonumber(start) < cut_d then
      -- Left the decision window by the server's clock since the consumer looked.
      late[1] = late[1] + events
      to_analytics(start_a, bucket_a_key, d, events, paths)
    elseif redis.call('ZSCORE', unfolded_ns, start) then
      -- The common case: only the bucket changes; the sweeper folds it into both windows'
      -- totals once commits have moved on.
      merge(bucket, d)
      redis.call('ZADD', unfolded, now, member)
      mark(counted_d, paths)
      mark(counted_a, paths)
    elseif redis.call('EXISTS', bucket) == 1 then
      -- Already folded (a late batch): the bucket and every total it was folded into.
      merge(bucket, d)
      delta_combine(to_tot_d, d)
      mark(counted_d, paths)
      to_analytics(start_a, bucket_a_key, d, events, paths)
    else
      merge(bucket, d)
      redis.call('ZADD', unfolded, now, member)
      redis.call('ZADD', unfolded_ns, start, start)
      redis.call('ZADD', due_d, start, member)
      redis.call('ZADD', nsb_d, start, start)
      mark(counted_d, paths)
      mark(counted_a, paths)
    end
  end
  for _ = 1, tonumber(nxt()) do
    local start_a, bucket = nxt(), key()
    local d, events, paths = read_delta()
    to_analytics(start_a, bucket, d, events, paths)
  end
  merge(tot_d, to_tot_d)
  for _, bucket in ipairs(buckets_a) do merge(bucket, to_buckets_a[bucket]) end
  merge(tot_a, to_tot_a)
  for _ = 1, tonumber(nxt()) do
    local path, sample = nxt(), nxt()
    if counted_d[path] then redis.call('HSET', tot_d, 'sm:' .. path, sample) end
    if counted_a[path] then redis.call('HSET', tot_a, 'sm:' .. path, sample) end
  end
end
return {'ok', acked, late[1], late[2]}
)lua"));
  return script;
}

}  // namespace

redis_result<commit_outcome> commit_batch(redis_connection& connection,
                                          const commit_request& request) {
  auto reply = eval(connection, commit_script(), request.keys, request.args);
  if (!reply) return reply.error();
  if (reply->is_error()) {
    return redis_error{redis_errc::server, "the commit script failed: " + reply->as_string()};
  }
  const auto bad_shape = [&] {
    return redis_error{redis_errc::protocol, "unexpected commit script reply: " + describe(*reply)};
  };
  if (!reply->is_array() || reply->as_array().empty()) return bad_shape();
  const auto& items = reply->as_array();
  const auto status = items[0].to_optional_string();
  commit_outcome outcome;
  if (status == "stale" && items.size() == 2) {
    outcome.stale_id = items[1].to_optional_string().value_or("");
    return outcome;
  }
  if (status != "ok" || items.size() != 4) return bad_shape();
  outcome.applied = true;
  outcome.acked = items[1].to_integer().value_or(0);
  for (std::size_t w = 0; w < 2; ++w) {
    outcome.late_events[w] = static_cast<std::uint64_t>(items[2 + w].to_integer().value_or(0));
  }
  return outcome;
}

}  // namespace index_optimizer
