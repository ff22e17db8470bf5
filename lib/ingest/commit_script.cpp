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
--   group, consumer, lowest id, highest id, n, n entry ids (ascending, distinct),
--   dead-letter max length, dead-letter count, per dead letter: m, m strings (field, value, ...),
--   decision bucket ms, decision length ms, analytics bucket ms, analytics length ms,
--   namespace count, per namespace: id, keys of decision totals, analytics totals, unfolded set,
--     decision bucket set, analytics bucket set;
--     decision bucket count, per bucket: start, keys of the bucket and its log, analytics start,
--       analytics bucket key, events, log entry;
--     analytics-only bucket count (events too old for the decision window), per bucket: start,
--       bucket key, events, log entry;
--     sample count, per sample: path, sample, r, r ordinals (1-based, decision buckets first) of
--       the buckets above holding the path.
local stream, dead, unfolded, due_d, due_a = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local group, consumer, lowest, highest = nxt(), nxt(), nxt(), nxt()
local n = tonumber(nxt())
local ids_at = a
a = a + n

-- Nothing is written unless every entry is still pending for this consumer. One XPENDING lists
-- ours between the lowest and highest id in order; walking it beside the (sorted) ids confirms
-- them by equality. An id the walk did not reach (missing, or beyond a page filled by entries
-- outside the batch) is checked on its own.
if n > 0 then
  local last = ids_at + n - 1
  local j = ids_at
  for _, e in ipairs(redis.call('XPENDING', stream, group, lowest, highest, n, consumer)) do
    if e[1] == ARGV[j] then
      j = j + 1
      if j > last then break end
    end
  end
  for i = j, last do
    local id = ARGV[i]
    if #redis.call('XPENDING', stream, group, id, id, 1, consumer) == 0 then
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

local now = server_now()
local bucket_d, length_d, bucket_a, length_a =
  tonumber(nxt()), tonumber(nxt()), tonumber(nxt()), tonumber(nxt())
local cut_d = oldest_start(now, bucket_d, length_d)
local cut_a = oldest_start(now, bucket_a, length_a)
local late = {0, 0}
for _ = 1, tonumber(nxt()) do
  local ns = nxt()
  local tot_d, tot_a, unfolded_ns, nsb_d, nsb_a = key(), key(), key(), key(), key()
  -- By bucket ordinal: whether its counts reached each window.
  local counted_d, counted_a = {}, {}
  local ordinal = 0
  local to_tot_d, to_tot_a = new_delta(), new_delta()
  local to_buckets_a, buckets_a = {}, {}
  -- Counts that go straight to the analytics window (its bucket and totals).
  local function to_analytics(start_a, bucket, d, events)
    if tonumber(start_a) < cut_a then
      late[2] = late[2] + events
      return false
    end
    if to_buckets_a[bucket] == nil then
      to_buckets_a[bucket] = new_delta()
      buckets_a[#buckets_a + 1] = bucket
      redis.call('ZADD', due_a, start_a, start_a .. ':' .. ns)
      redis.call('ZADD', nsb_a, start_a, start_a)
    end
    delta_combine(to_buckets_a[bucket], d)
    delta_combine(to_tot_a, d)
    return true
  end
  for _ = 1, tonumber(nxt()) do
    ordinal = ordinal + 1
    local start, bucket, log, start_a, bucket_a_key = nxt(), key(), key(), nxt(), key()
    local events, entry = tonumber(nxt()), nxt()
    local member = start .. ':' .. ns
    if tonumber(start) < cut_d then
      -- Left the decision window by the server's clock since the consumer looked.
      late[1] = late[1] + events
      counted_a[ordinal] = to_analytics(start_a, bucket_a_key, entry_delta(entry), events)
    elseif redis.call('ZSCORE', unfolded_ns, start) then
      -- The common case: the entry joins the bucket's log; the sweeper folds the log into both
      -- windows once commits have moved on.
      log_append(log, entry)
      redis.call('ZADD', unfolded, now, member)
      counted_d[ordinal] = true
      counted_a[ordinal] = true
    elseif redis.call('EXISTS', bucket) == 1 then
      -- Already folded (a late batch): the bucket and every total it was folded into.
      local d = entry_delta(entry)
      merge(bucket, d)
      delta_combine(to_tot_d, d)
      counted_d[ordinal] = true
      counted_a[ordinal] = to_analytics(start_a, bucket_a_key, d, events)
    else
      log_append(log, entry)
      redis.call('ZADD', unfolded, now, member)
      redis.call('ZADD', unfolded_ns, start, start)
      redis.call('ZADD', due_d, start, member)
      redis.call('ZADD', nsb_d, start, start)
      counted_d[ordinal] = true
      counted_a[ordinal] = true
    end
  end
  for _ = 1, tonumber(nxt()) do
    ordinal = ordinal + 1
    local start_a, bucket = nxt(), key()
    local events, entry = tonumber(nxt()), nxt()
    counted_a[ordinal] = to_analytics(start_a, bucket, entry_delta(entry), events)
  end
  merge(tot_d, to_tot_d)
  for _, bucket in ipairs(buckets_a) do merge(bucket, to_buckets_a[bucket]) end
  merge(tot_a, to_tot_a)
  for _ = 1, tonumber(nxt()) do
    local path, sample = nxt(), nxt()
    local in_d, in_a = false, false
    for _ = 1, tonumber(nxt()) do
      local o = tonumber(nxt())
      in_d = in_d or counted_d[o] == true
      in_a = in_a or counted_a[o] == true
    end
    if in_d then redis.call('HSET', tot_d, 'sm:' .. path, sample) end
    if in_a then redis.call('HSET', tot_a, 'sm:' .. path, sample) end
  end
end
return {'ok', acked, late[1], late[2]}
)lua"));
  return script;
}

}  // namespace

redis_result<void> load_commit_script(redis_connection& connection) {
  auto reply = connection.command({"SCRIPT", "LOAD", commit_script().source()});
  if (!reply) return reply.error();
  if (reply->is_error()) {
    return redis_error{redis_errc::server, "SCRIPT LOAD of the commit script: " + describe(*reply)};
  }
  return {};
}

redis_result<void> append_commit(redis_connection& connection, const commit_request& request) {
  const std::string key_count = std::to_string(request.keys.size());
  std::vector<std::string_view> argv;
  argv.reserve(3 + request.keys.size() + request.args.size());
  argv.push_back("EVALSHA");
  argv.push_back(commit_script().sha1());
  argv.push_back(key_count);
  argv.insert(argv.end(), request.keys.begin(), request.keys.end());
  argv.insert(argv.end(), request.args.begin(), request.args.end());
  return connection.append(std::span<const std::string_view>(argv));
}

redis_result<commit_outcome> commit_batch(redis_connection& connection,
                                          const commit_request& request) {
  auto reply = eval(connection, commit_script(), request.keys, request.args);
  if (!reply) return reply.error();
  return parse_commit_reply(*reply);
}

redis_result<commit_outcome> parse_commit_reply(const redis_reply& reply) {
  if (reply.is_error()) {
    return redis_error{redis_errc::server, "the commit script failed: " + reply.as_string()};
  }
  const auto bad_shape = [&] {
    return redis_error{redis_errc::protocol, "unexpected commit script reply: " + describe(reply)};
  };
  if (!reply.is_array() || reply.as_array().empty()) return bad_shape();
  const auto& items = reply.as_array();
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
