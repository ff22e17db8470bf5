#include "ingest/commit_script.hpp"

#include "redis/redis_script.hpp"

namespace index_optimizer {
namespace {

const redis_script& commit_script() {
  static const redis_script script(R"lua(
-- KEYS[1] the stream, KEYS[2] its dead-letter stream; the other keys are named by their index in
-- ARGV. ARGV, read in order (batch_aggregate::encode writes it):
--   group, consumer, lowest id, highest id, n, n entry ids,
--   dead-letter max length, dead-letter count, per dead letter: m, m strings (field, value, ...)
--   per window (decision, analytics): bucket ms, length ms, due set key, namespace count, per
--     namespace: id, totals key, bucket set key, bucket count, per bucket: start, bucket key,
--     events, pair count, (hash field, increment) pairs; then seen count, per seen field:
--     path, first seen ms, last seen ms, sample ('' for none).
local stream, dead = KEYS[1], KEYS[2]
local a = 1
local function nxt()
  local v = ARGV[a]
  a = a + 1
  return v
end
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

-- Adding to a hash reads every field it touches with one HMGET and writes them back with one
-- HSET: two calls per hash instead of one HINCRBY per field, which made the script the
-- consumer's bottleneck. Lua numbers are doubles: exact up to 2^53 per field.
local function num(v) return tonumber(v) or 0 end
local function hmget(hash, names)
  local out = {}
  for i = 1, #names, 2000 do
    local part = redis.call('HMGET', hash, unpack(names, i, math.min(i + 1999, #names)))
    for j = 1, #part do out[#out + 1] = part[j] end
  end
  return out
end
local function hset(hash, flat)
  for i = 1, #flat, 4000 do
    redis.call('HSET', hash, unpack(flat, i, math.min(i + 3999, #flat)))
  end
end
-- Adds `deltas` (name -> number) to `hash`; returns the new values by name.
local function add_all(hash, names, deltas)
  local current = hmget(hash, names)
  local values, flat = {}, {}
  for i, f in ipairs(names) do
    local v = current[i]
    local d = deltas[f]
    if d then
      v = num(v) + d
      flat[#flat + 1] = f
      flat[#flat + 1] = string.format('%d', v)
    end
    values[f] = v
  end
  return values, flat
end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local late = {0, 0}
for w = 1, 2 do
  local bucket_ms = tonumber(nxt())
  local length_ms = tonumber(nxt())
  local due = KEYS[tonumber(nxt())]
  local cutoff = now - (now % bucket_ms) - length_ms + bucket_ms
  for _ = 1, tonumber(nxt()) do
    local ns = nxt()
    local totals = KEYS[tonumber(nxt())]
    local buckets = KEYS[tonumber(nxt())]
    local sums, names = {}, {}
    local function want(f)
      if sums[f] == nil then
        names[#names + 1] = f
        sums[f] = false
      end
    end
    for _ = 1, tonumber(nxt()) do
      local start = nxt()
      local bucket = KEYS[tonumber(nxt())]
      local events = nxt()
      local pairs_n = tonumber(nxt())
      if tonumber(start) < cutoff then
        -- Left the window by the server's clock since the consumer looked: late, not counted.
        late[w] = late[w] + tonumber(events)
        a = a + 2 * pairs_n
      else
        local bucket_names, bucket_deltas = {'e'}, {e = tonumber(events)}
        want('e')
        sums['e'] = (sums['e'] or 0) + tonumber(events)
        for _ = 1, pairs_n do
          local f, d = nxt(), tonumber(nxt())
          bucket_names[#bucket_names + 1] = f
          bucket_deltas[f] = d
          want(f)
          sums[f] = (sums[f] or 0) + d
        end
        local _, flat = add_all(bucket, bucket_names, bucket_deltas)
        hset(bucket, flat)
        redis.call('ZADD', due, start, start .. ':' .. ns)
        redis.call('ZADD', buckets, start, start)
      end
    end
    local seen = {}
    for _ = 1, tonumber(nxt()) do
      local path = nxt()
      seen[#seen + 1] = {path, tonumber(nxt()), tonumber(nxt()), nxt()}
      want('c:' .. path)
      want('fs:' .. path)
      want('ls:' .. path)
    end
    local deltas = {}
    for f, d in pairs(sums) do
      if d then deltas[f] = d end
    end
    local values, flat = add_all(totals, names, deltas)
    -- First/last seen and the sample of every field still in the window after this commit (one
    -- whose every event was late has no count and gets none).
    for _, s in ipairs(seen) do
      local path, first, last, sample = s[1], s[2], s[3], s[4]
      if num(values['c:' .. path]) > 0 then
        local fs = tonumber(values['fs:' .. path])
        if not fs or first < fs then
          flat[#flat + 1] = 'fs:' .. path
          flat[#flat + 1] = string.format('%d', first)
        end
        local ls = tonumber(values['ls:' .. path])
        if not ls or last > ls then
          flat[#flat + 1] = 'ls:' .. path
          flat[#flat + 1] = string.format('%d', last)
        end
        if sample ~= '' then
          flat[#flat + 1] = 'sm:' .. path
          flat[#flat + 1] = sample
        end
      end
    end
    hset(totals, flat)
  end
end
return {'ok', acked, late[1], late[2]}
)lua");
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
