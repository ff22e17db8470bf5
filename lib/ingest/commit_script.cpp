#include "ingest/commit_script.hpp"

#include "redis/redis_script.hpp"
#include "window_store/window_lua.hpp"

namespace index_optimizer {
namespace {

const redis_script& commit_script() {
  static const redis_script script(window_script_source(R"lua(
-- KEYS[1] the stream, KEYS[2] its dead-letter stream, KEYS[3] the decision window's unfolded
-- set, KEYS[4] and KEYS[5] the decision and analytics due sets, KEYS[6] the stream's consumer
-- tokens; the other keys are named by their index in ARGV. ARGV, read in order
-- (batch_aggregate::encode writes it):
--   group, consumer, consumer token ('' for none), entries pending for the consumer if the batch
--   is all of them and they are all ours (-1: unknown), lowest id, highest id, n, n entry ids
--   (ascending, distinct),
--   dead-letter max length, dead-letter count, per dead letter: m, m strings (field, value, ...),
--   decision bucket ms, decision length ms, analytics bucket ms, analytics length ms,
--   ingest.max_fields_per_namespace,
--   namespace count, per namespace: id, keys of decision totals, analytics totals, unfolded set,
--     decision bucket set, analytics bucket set, field registry;
--     path count, per distinct path of the namespace in the batch: path, the time (unix ms) the
--       last bucket of the batch holding it leaves both windows;
--     decision bucket count, per bucket: start, keys of the bucket and its log, analytics start,
--       analytics bucket key, events, log entry, the writer's sum version, the writer's new sum
--       ('' when it has none; window_lua's log_write);
--     analytics-only bucket count (events too old for the decision window), per bucket: start,
--       bucket key, events, log entry;
--     sample count, per sample: path, sample, r, r ordinals (1-based, decision buckets first) of
--       the buckets above holding the path;
--   when the call is large, one more argument that the script ignores (append_commit's read
--   boundary).
local stream, dead, unfolded, due_d, due_a = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local tokens = KEYS[6]
local group, consumer, token, expected = nxt(), nxt(), nxt(), tonumber(nxt())
-- Each connection writes its own sums into the bucket logs; without a token, the consumer name.
local writer = token ~= '' and token or consumer
local lowest, highest = nxt(), nxt()
local n = tonumber(nxt())
local ids_at = a
a = a + n

-- Nothing is written unless every entry is still pending for this consumer (commit_script.hpp
-- argues both ways of confirming it). A process that another one with the same consumer name
-- has since replaced writes nothing at all.
local counted = false
if token ~= '' then
  local holder = redis.call('HGET', tokens, consumer)
  if holder and holder ~= token then return {'fenced'} end
  if holder == token and expected >= 0 and n > 0 then
    -- By count: the consumer's pending entries are exactly the ones it holds (this batch and
    -- its reads ahead), so none was taken from it.
    local mine = 0
    local per_consumer = redis.call('XPENDING', stream, group)[4]
    if per_consumer then
      for _, c in ipairs(per_consumer) do
        if c[1] == consumer then
          mine = tonumber(c[2])
          break
        end
      end
    end
    counted = mine == expected
  end
end
-- By walk: one XPENDING lists ours between the lowest and highest id in order; walking it beside
-- the (sorted) ids confirms them by equality. An id the walk did not reach (missing, or beyond a
-- page filled by entries outside the batch) is checked on its own.
if n > 0 and not counted then
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
-- Confirmed by count but not all acknowledged: something outside the daemon added entries to
-- this consumer's pending list while others left it. What this commit acknowledged only it can
-- count, so it still applies; the consumer reports the mismatch.
local check = counted and 'count' or 'walk'
if acked ~= n then check = 'mismatch' end

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
local max_fields = tonumber(nxt())
local cut_d = oldest_start(now, bucket_d, length_d)
local cut_a = oldest_start(now, bucket_a, length_a)
local late = {0, 0}
-- Decision buckets (numbered across namespaces, in ARGV order) by what became of the writer's
-- sum (window_lua's log_write): replaced by the one sent, or left as the writer knows it.
local synced, kept = {}, {}
-- Per namespace that reached half its cap or refused a field: id, fields registered, distinct
-- paths refused, observations moved to the overflow entry.
local caps = {}
local ordinal_all = 0

-- The field cap (ingest/commit_script.hpp, "Field cap"): the batch's paths of a namespace are
-- looked up in its registry; a known one gets its leave time raised, a new one is registered
-- while the registry holds fewer than max_fields, and is refused (counted in the overflow
-- entry) once it is full. Returns the refused paths (path -> true, or nil when none), how many,
-- and the registry's size.
local function admit(registry, paths, leave)
  local scores = {}
  for i = 1, #paths, 1000 do
    local part = redis.call('ZMSCORE', registry, unpack(paths, i, math.min(i + 999, #paths)))
    for j = 1, #part do scores[i + j - 1] = part[j] end
  end
  local size = redis.call('ZCARD', registry)
  local add, refused, n_refused = {}, nil, 0
  for i, p in ipairs(paths) do
    local s = scores[i]
    if s then
      if leave[i] > tonumber(s) then
        add[#add + 1] = leave[i]
        add[#add + 1] = p
      end
    elseif size < max_fields then
      size = size + 1
      add[#add + 1] = leave[i]
      add[#add + 1] = p
    else
      refused = refused or {}
      refused[p] = true
      n_refused = n_refused + 1
    end
  end
  chunked('ZADD', registry, add, 2000)
  return refused, n_refused, size
end

for _ = 1, tonumber(nxt()) do
  local ns = nxt()
  local tot_d, tot_a, unfolded_ns, nsb_d, nsb_a, registry = key(), key(), key(), key(), key(), key()
  local paths, leave = {}, {}
  for i = 1, tonumber(nxt()) do
    paths[i] = nxt()
    leave[i] = tonumber(nxt())
  end
  local refused, n_refused, fields = admit(registry, paths, leave)
  local moved = 0
  -- An entry's counts as a delta, refused paths moved to the overflow entry.
  local function delta_of(entry)
    local s, m = entry_sum(entry, refused)
    moved = moved + m
    return log_delta(s)
  end
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
  -- The writer's sum in an unfolded bucket's log; with refused paths, the remapped entry goes
  -- to a side sum instead.
  local function to_log(log, entry, version, sum)
    local side = nil
    if refused ~= nil then
      local s, m = entry_sum(entry, refused)
      if m > 0 then
        moved = moved + m
        side = log_pack(s)
      end
    end
    local view = log_write(log, writer, entry, version, sum, side)
    if view == 'synced' then
      synced[#synced + 1] = ordinal_all
    elseif view == 'kept' then
      kept[#kept + 1] = ordinal_all
    end
  end
  for _ = 1, tonumber(nxt()) do
    ordinal = ordinal + 1
    ordinal_all = ordinal_all + 1
    local start, bucket, log, start_a, bucket_a_key = nxt(), key(), key(), nxt(), key()
    local events, entry, version, sum = tonumber(nxt()), nxt(), nxt(), nxt()
    local member = start .. ':' .. ns
    if tonumber(start) < cut_d then
      -- Left the decision window by the server's clock since the consumer looked.
      late[1] = late[1] + events
      counted_a[ordinal] = to_analytics(start_a, bucket_a_key, delta_of(entry), events)
    elseif redis.call('ZSCORE', unfolded_ns, start) and redis.call('HEXISTS', log, 'f') == 0 then
      -- The common case: the writer's sum in the bucket's log grows by the entry; the sweeper
      -- folds the log into both windows once commits have moved on.
      to_log(log, entry, version, sum)
      redis.call('ZADD', unfolded, now, member)
      counted_d[ordinal] = true
      counted_a[ordinal] = true
    elseif redis.call('ZSCORE', nsb_d, start) then
      -- Folded, or being folded (a late batch): the bucket and every total it is folded into.
      local d = delta_of(entry)
      merge(bucket, d)
      delta_combine(to_tot_d, d)
      counted_d[ordinal] = true
      counted_a[ordinal] = to_analytics(start_a, bucket_a_key, d, events)
    else
      to_log(log, entry, version, sum)
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
    counted_a[ordinal] = to_analytics(start_a, bucket, delta_of(entry), events)
  end
  merge(tot_d, to_tot_d)
  for _, bucket in ipairs(buckets_a) do merge(bucket, to_buckets_a[bucket]) end
  merge(tot_a, to_tot_a)
  -- Samples, one HSET per totals hash: a batch of new fields brings one sample each.
  local samples_d, samples_a = {}, {}
  for _ = 1, tonumber(nxt()) do
    local path, sample = nxt(), nxt()
    -- A refused path's sample shows what the overflow entry holds.
    if refused ~= nil and refused[path] then path = overflow_path end
    local in_d, in_a = false, false
    for _ = 1, tonumber(nxt()) do
      local o = tonumber(nxt())
      in_d = in_d or counted_d[o] == true
      in_a = in_a or counted_a[o] == true
    end
    if in_d then samples_d['sm:' .. path] = sample end
    if in_a then samples_a['sm:' .. path] = sample end
  end
  for hash, samples in pairs({[tot_d] = samples_d, [tot_a] = samples_a}) do
    local flat = {}
    for f, v in pairs(samples) do
      flat[#flat + 1] = f
      flat[#flat + 1] = v
    end
    chunked('HSET', hash, flat, 2000)
  end
  if n_refused > 0 or 2 * fields >= max_fields then
    caps[#caps + 1] = {ns, fields, n_refused, moved}
  end
end
return {'ok', acked, late[1], late[2], check, synced, kept, caps}
)lua"));
  return script;
}

constexpr std::size_t k_redis_read_chunk = 16 * 1024;

// Ends a large pipelined commit (append_commit): the shortest argument Redis reads exactly.
const std::string& read_boundary() {
  static const std::string boundary(32 * 1024, '\0');
  return boundary;
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
  // Redis reads a client's commands 16 KiB at a time (PROTO_IOBUF_LEN) and runs every complete
  // command it has read before it writes any reply. A commit larger than that arrives in several
  // reads, and the reads the consumer sends right after it (to be served while it decodes) then
  // tend to land in the same read as the commit's tail: Redis runs them right after the script
  // and sends the script's reply only with theirs, so the consumer waits for both and Redis
  // idles until the next commit (a quarter of the throughput at 5000 events per commit). An
  // argument of at least 32 KiB (PROTO_MBULK_BIG_ARG) is read to its exact end and no further,
  // so a large commit ends with one, which the script ignores. Only speed depends on this.
  std::size_t bytes = 0;
  for (const auto arg : argv)
    bytes += arg.size() + 16;  // "$<length>\r\n...\r\n"
  if (bytes > k_redis_read_chunk) argv.push_back(read_boundary());
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
  if (status == "fenced" && items.size() == 1) {
    outcome.fenced = true;
    return outcome;
  }
  if (status != "ok" || items.size() != 8 || !items[5].is_array() || !items[6].is_array() ||
      !items[7].is_array()) {
    return bad_shape();
  }
  outcome.applied = true;
  outcome.acked = items[1].to_integer().value_or(0);
  for (std::size_t w = 0; w < 2; ++w) {
    outcome.late_events[w] = static_cast<std::uint64_t>(items[2 + w].to_integer().value_or(0));
  }
  const auto check = items[4].to_optional_string();
  if (check == "count") {
    outcome.ownership = ownership_check::by_count;
  } else if (check == "walk") {
    outcome.ownership = ownership_check::by_walk;
  } else if (check == "mismatch") {
    outcome.ownership = ownership_check::mismatch;
  } else {
    return bad_shape();
  }
  for (const auto& [list, out] : {std::pair{&items[5], &outcome.synced_buckets},
                                  std::pair{&items[6], &outcome.kept_buckets}}) {
    for (const auto& ordinal : list->as_array()) {
      const auto number = ordinal.to_integer();
      if (!number || *number < 1) return bad_shape();
      out->push_back(static_cast<std::size_t>(*number - 1));
    }
  }
  for (const auto& report : items[7].as_array()) {
    if (!report.is_array() || report.as_array().size() != 4) return bad_shape();
    const auto& r = report.as_array();
    auto namespace_id = r[0].to_optional_string();
    const auto fields = r[1].to_integer();
    const auto refused = r[2].to_integer();
    const auto moved = r[3].to_integer();
    if (!namespace_id || !fields || !refused || !moved) return bad_shape();
    outcome.field_caps.push_back({std::move(*namespace_id), *fields, *refused, *moved});
  }
  return outcome;
}

}  // namespace index_optimizer
