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
    local sums, order = {}, {}
    local function add(f, d)
      local s = sums[f]
      if s == nil then
        order[#order + 1] = f
        sums[f] = tonumber(d)
      else
        sums[f] = s + tonumber(d)
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
        redis.call('HINCRBY', bucket, 'e', events)
        add('e', events)
        for _ = 1, pairs_n do
          local f, d = nxt(), nxt()
          redis.call('HINCRBY', bucket, f, d)
          add(f, d)
        end
        redis.call('ZADD', due, start, start .. ':' .. ns)
        redis.call('ZADD', buckets, start, start)
      end
    end
    for _, f in ipairs(order) do
      redis.call('HINCRBY', totals, f, string.format('%d', sums[f]))
    end
    for _ = 1, tonumber(nxt()) do
      local path, first, last, sample = nxt(), nxt(), nxt(), nxt()
      if redis.call('HEXISTS', totals, 'c:' .. path) == 1 then
        local fs = redis.call('HGET', totals, 'fs:' .. path)
        if not fs or tonumber(first) < tonumber(fs) then
          redis.call('HSET', totals, 'fs:' .. path, first)
        end
        local ls = redis.call('HGET', totals, 'ls:' .. path)
        if not ls or tonumber(last) > tonumber(ls) then
          redis.call('HSET', totals, 'ls:' .. path, last)
        end
        if sample ~= '' then redis.call('HSET', totals, 'sm:' .. path, sample) end
      end
    end
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
