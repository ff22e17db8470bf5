#include "window_store/window_lua.hpp"

namespace index_optimizer {
namespace {

// A hash changes with one HMGET and one HSET (chunked below Lua's unpack limit) rather than a
// call per field: the per-call overhead, not the arithmetic, is what a commit pays for. Lua
// numbers are doubles, so a field is exact up to 2^53.
//
// A delta is a list of field names with, per name, an increment (`add`: counts), a candidate
// minimum (`low`: first seen) or a candidate maximum (`high`: last seen).
constexpr std::string_view k_helpers = R"lua(
-- ARGV is read front to back by nxt(); key() reads a KEYS index from it.
local a = 1
local function nxt()
  local v = ARGV[a]
  a = a + 1
  return v
end
local function key()
  return KEYS[tonumber(nxt())]
end
local function hmget(hash, names)
  local out = {}
  for i = 1, #names, 2000 do
    local part = redis.call('HMGET', hash, unpack(names, i, math.min(i + 1999, #names)))
    for j = 1, #part do out[#out + 1] = part[j] end
  end
  return out
end
local function chunked(command, key, list, size)
  for i = 1, #list, size do
    redis.call(command, key, unpack(list, i, math.min(i + size - 1, #list)))
  end
end
local function new_delta()
  return {names = {}, add = {}, low = {}, high = {}}
end
local function delta_add(d, f, x)
  local cur = d.add[f]
  if cur == nil then
    d.names[#d.names + 1] = f
    d.add[f] = x
  else
    d.add[f] = cur + x
  end
end
-- A first-seen (low) or last-seen (high) candidate: the smaller or the larger one is kept.
local function delta_bound(d, bounds, f, x, lower)
  local cur = bounds[f]
  if cur == nil then
    d.names[#d.names + 1] = f
    bounds[f] = x
  elseif (lower and x < cur) or (not lower and x > cur) then
    bounds[f] = x
  end
end
local function delta_low(d, f, x)
  delta_bound(d, d.low, f, x, true)
end
local function delta_high(d, f, x)
  delta_bound(d, d.high, f, x, false)
end
-- dst += src
local function delta_combine(dst, src)
  for _, f in ipairs(src.names) do
    if src.add[f] ~= nil then
      delta_add(dst, f, src.add[f])
    elseif src.low[f] ~= nil then
      delta_low(dst, f, src.low[f])
    else
      delta_high(dst, f, src.high[f])
    end
  end
end
local function merge(hash, d)
  if #d.names == 0 then return end
  local cur = hmget(hash, d.names)
  local flat = {}
  for i, f in ipairs(d.names) do
    local v = tonumber(cur[i])
    local out = nil
    local x = d.add[f]
    if x ~= nil then
      out = (v or 0) + x
    else
      local lo = d.low[f]
      if lo ~= nil then
        if v == nil or lo < v then out = lo end
      else
        local hi = d.high[f]
        if v == nil or hi > v then out = hi end
      end
    end
    if out ~= nil then
      flat[#flat + 1] = f
      flat[#flat + 1] = string.format('%d', out)
    end
  end
  chunked('HSET', hash, flat, 4000)
end
-- totals -= a bucket's counts (its HGETALL). A field reaching zero is deleted, and with a count
-- (c:) go the field's first/last seen and sample: totals hold exactly the fields in the window.
local function subtract(totals, h)
  local names, amounts = {}, {}
  for j = 1, #h, 2 do
    local p = string.sub(h[j], 1, 3)
    if p ~= 'fs:' and p ~= 'ls:' then
      names[#names + 1] = h[j]
      amounts[#amounts + 1] = tonumber(h[j + 1])
    end
  end
  if #names == 0 then return end
  local cur = hmget(totals, names)
  local keep, gone = {}, {}
  for i, f in ipairs(names) do
    local left = (tonumber(cur[i]) or 0) - amounts[i]
    if left > 0 then
      keep[#keep + 1] = f
      keep[#keep + 1] = string.format('%d', left)
    else
      gone[#gone + 1] = f
      if string.sub(f, 1, 2) == 'c:' then
        local path = string.sub(f, 3)
        gone[#gone + 1] = 'fs:' .. path
        gone[#gone + 1] = 'ls:' .. path
        gone[#gone + 1] = 'sm:' .. path
      end
    end
  end
  chunked('HSET', totals, keep, 4000)
  chunked('HDEL', totals, gone, 4000)
end
-- Bucket logs (window_store/bucket_log.hpp): a hash holding, per writer (one consumer
-- connection), the sum of everything it counted in the bucket, `e:<writer>`, and that sum's
-- version `v:<writer>`, plus side sums `s:<n>` that no writer keeps (log_write below). A sum is
-- cmsgpack [events, path, record, ...]; a record's slots (1-based) are c, fs, ls, ln, lu, t1-t8,
-- k0-k11, h0-h30. Summing keeps one record per path, so it costs Lua arithmetic on numbers, not
-- hash fields.
local log_codes = {'c:', 'fs:', 'ls:', 'ln:', 'lu:'}
for i = 1, 8 do log_codes[5 + i] = 't' .. i .. ':' end
for j = 0, 11 do log_codes[14 + j] = 'k' .. j .. ':' end
for b = 0, 30 do log_codes[26 + b] = 'h' .. b .. ':' end
-- The overflow entry's path (window_store/window_stats.hpp, k_overflow_path): no decoded event
-- can name it (it starts with a control character).
local overflow_path = '\1overflow'
local function log_sum()
  return {e = 0, paths = {}, recs = {}}
end
-- cur += r slot by slot: counts add, first seen (slot 2) keeps the minimum, last seen (slot 3)
-- the maximum.
local function record_add(cur, r)
  local n = #cur
  for j = 1, #r do
    local x = r[j]
    if j > n then
      cur[j] = x
    elseif j == 2 then
      if x < cur[2] then cur[2] = x end
    elseif j == 3 then
      if x > cur[3] then cur[3] = x end
    else
      cur[j] = cur[j] + x
    end
  end
end
local function sum_record(s, p, r)
  local cur = s.recs[p]
  if cur == nil then
    s.paths[#s.paths + 1] = p
    s.recs[p] = r
  else
    record_add(cur, r)
  end
end
local function log_add(s, entry)
  local t = cmsgpack.unpack(entry)
  s.e = s.e + t[1]
  for i = 2, #t, 2 do sum_record(s, t[i], t[i + 1]) end
end
local function log_pack(s)
  local t = {s.e}
  for _, p in ipairs(s.paths) do
    t[#t + 1] = p
    t[#t + 1] = s.recs[p]
  end
  return cmsgpack.pack(t)
end
-- A sum as a delta of window hash fields (c:<path>, fs:<path>, ...).
local function log_delta(s)
  local d = new_delta()
  if s.e ~= 0 then delta_add(d, 'e', s.e) end
  for _, p in ipairs(s.paths) do
    local r = s.recs[p]
    for j = 1, #r do
      local x = r[j]
      if j == 2 then
        delta_low(d, 'fs:' .. p, x)
      elseif j == 3 then
        delta_high(d, 'ls:' .. p, x)
      elseif x ~= 0 then
        delta_add(d, log_codes[j] .. p, x)
      end
    end
  end
  return d
end
-- Moves the records of the paths in `refused` (path -> true) into the overflow path's record.
-- Returns the observations moved (their counts): 0 when the sum holds none of them.
local function remap(s, refused)
  local kept, moved = {}, 0
  for _, p in ipairs(s.paths) do
    local r = s.recs[p]
    if refused[p] then
      s.recs[p] = nil
      moved = moved + r[1]
      local over = s.recs[overflow_path]
      if over == nil then
        kept[#kept + 1] = overflow_path
        s.recs[overflow_path] = r
      else
        record_add(over, r)
      end
    else
      kept[#kept + 1] = p
    end
  end
  s.paths = kept
  return moved
end
-- A commit's entry for one bucket, summed, with refused paths (when given) moved to the
-- overflow entry; and the observations moved.
local function entry_sum(entry, refused)
  local s = log_sum()
  log_add(s, entry)
  local moved = 0
  if refused ~= nil then moved = remap(s, refused) end
  return s, moved
end
-- A sum no writer keeps: a new field of the log, never replaced, summed with the rest when the
-- bucket is folded or read.
local function log_side(key, sum)
  local n = redis.call('HINCRBY', key, 'n', 1)
  redis.call('HSET', key, 's:' .. n, sum)
end
-- Adds a commit's counts for one bucket to its log. `entry` is the batch's own counts; `sum` the
-- writer's new sum, built on its stored sum of version `version` ('' when the writer keeps no
-- sums: then the entry is its sum); `side`, when set, the entry with refused paths remapped,
-- which the writer's own sum must not absorb. Storing a sum is a memory copy for Redis, and
-- nothing here decodes a stored sum, so a commit costs the same however many fields the bucket
-- holds. Returns the writer's view now: 'synced' (the stored sum is the one sent, a version
-- further), 'kept' (unchanged: the counts went to a side sum) or 'reset' (its view was off — it
-- lost track, or the log was deleted under it: its stored sum became a side sum and it starts
-- again from nothing).
local function log_write(key, writer, entry, version, sum, side)
  local e, v = 'e:' .. writer, 'v:' .. writer
  if sum == '' then sum = entry end
  local stored = tonumber(redis.call('HGET', key, v)) or 0
  local sent = tonumber(version)
  if stored == sent then
    if side ~= nil then
      log_side(key, side)
      return 'kept'
    end
    redis.call('HSET', key, e, sum, v, stored + 1)
    return 'synced'
  end
  local cur = redis.call('HGET', key, e)
  if cur then log_side(key, cur) end
  redis.call('HDEL', key, e, v)
  if side ~= nil or sent ~= 0 then
    log_side(key, side or entry)
    return 'reset'
  end
  redis.call('HSET', key, e, sum, v, 1)  -- version 0: the sum sent is the entry itself
  return 'synced'
end
local function is_sum_field(f)
  local p = string.sub(f, 1, 2)
  return p == 'e:' or p == 's:'
end
local function server_now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- The start of the oldest bucket still in a window (window_spec::oldest_bucket_start).
local function oldest_start(now, bucket_ms, length_ms)
  return now - (now % bucket_ms) - length_ms + bucket_ms
end
local function server_us()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end
-- A function telling whether `budget_us` microseconds have passed since it was made. Redis
-- serves nobody while a script runs, so every script whose work grows with a namespace's fields
-- works in steps and stops once its budget is spent, after the step that spent it, saying so;
-- its caller calls again, and Redis serves its other clients in between.
local function budget(budget_us)
  local t0 = server_us()
  return function()
    return server_us() - t0 >= budget_us
  end
end
-- (path, record) pairs a fold step moves: about 250 hash fields in each hash it merges into.
local fold_pairs = 32
-- The byte offset (0-based, as cmsgpack counts) of a sum's first element, past its array header.
local function sum_body(blob)
  local b = string.byte(blob, 1)
  if b == 0xdc then return 3 end
  if b == 0xdd then return 5 end
  return 1
end
local function next_sum_field(log)
  for _, f in ipairs(redis.call('HKEYS', log)) do
    if is_sum_field(f) then return f end
  end
  return nil
end
-- Folds a closed decision bucket in steps: the sums of its log move, a few paths at a time, into
-- the bucket hash, the decision totals and, while the bucket is in the analytics window, the
-- analytics bucket and totals. `b`: member, start, ns, start_a and the keys bucket, log,
-- unfolded_ns, tot_d, bucket_a, tot_a, nsb_a. The progress lives in the log: 'f' marks it
-- folding (a commit then counts the bucket as folded, so the log no longer changes), 'fw' names
-- the sum being moved and 'fo' the offset of its next path; a sum moved in full is deleted.
-- Every step stamps the totals it changed with `generation` ('g'), which a paged read checks
-- (window_store.cpp). Returns true once the bucket is folded, false when `spent()` stopped it.
local function fold(b, unfolded, due_a, cut_a, generation, spent)
  redis.call('HSET', b.log, 'f', 1)
  local to_a = tonumber(b.start_a) >= cut_a
  if to_a then
    redis.call('ZADD', due_a, b.start_a, b.start_a .. ':' .. b.ns)
    redis.call('ZADD', b.nsb_a, b.start_a, b.start_a)
  end
  local field = redis.call('HGET', b.log, 'fw')
  local at = tonumber(redis.call('HGET', b.log, 'fo'))
  while true do
    if not field then
      field = next_sum_field(b.log)
      if not field then
        redis.call('UNLINK', b.log)
        redis.call('ZREM', unfolded, b.member)
        redis.call('ZREM', b.unfolded_ns, b.start)
        return true
      end
      at = nil
    end
    local blob = redis.call('HGET', b.log, field)
    local s = log_sum()
    if at == nil then  -- a sum starts with its events
      local r = {cmsgpack.unpack_limit(blob, 1, sum_body(blob))}
      at = r[1]
      s.e = r[2]
    end
    if at ~= -1 then
      local r = {cmsgpack.unpack_limit(blob, 2 * fold_pairs, at)}
      at = r[1]
      for i = 2, #r, 2 do sum_record(s, r[i], r[i + 1]) end
    end
    local d = log_delta(s)
    merge(b.bucket, d)
    merge(b.tot_d, d)
    redis.call('HSET', b.tot_d, 'g', generation)
    if to_a then
      merge(b.bucket_a, d)
      merge(b.tot_a, d)
      redis.call('HSET', b.tot_a, 'g', generation)
    end
    if at == -1 then
      redis.call('HDEL', b.log, field, 'fw', 'fo')
      field = nil
    else
      redis.call('HSET', b.log, 'fw', field, 'fo', at)
    end
    if spent() and (field or next_sum_field(b.log)) then return false end
  end
end
-- Subtracts an expired bucket from its totals in steps: an HSCAN page of the bucket at a time,
-- each field subtracted and deleted in the same step, so none is subtracted twice however the
-- scan's cursor moves (kept between steps in the window's `progress` hash, under the bucket's
-- member). Returns true once the bucket is gone.
local function expire(progress, member, bucket, totals, spent)
  local cursor = redis.call('HGET', progress, member) or '0'
  while true do
    local page = redis.call('HSCAN', bucket, cursor, 'COUNT', 64)
    cursor = page[1]
    local h = page[2]
    if #h > 0 then
      subtract(totals, h)
      local names = {}
      for i = 1, #h, 2 do names[#names + 1] = h[i] end
      chunked('HDEL', bucket, names, 4000)
    end
    if redis.call('EXISTS', bucket) == 0 then
      redis.call('HDEL', progress, member)
      -- Totals left with their generation only hold nothing in the window.
      if redis.call('HLEN', totals) == 1 and redis.call('HEXISTS', totals, 'g') == 1 then
        redis.call('UNLINK', totals)
      end
      return true
    end
    if spent() then
      redis.call('HSET', progress, member, cursor)
      return false
    end
  end
end
-- Drops from a namespace's field registry (ingest/commit_script.hpp) the fields that have left
-- both windows: scored by when the last bucket holding them leaves, so those scored up to `now`.
-- Returns true once none is left.
local function prune(registry, now, spent)
  while true do
    local gone = redis.call('ZRANGEBYSCORE', registry, '-inf', now, 'LIMIT', 0, 256)
    if #gone == 0 then return true end
    chunked('ZREM', registry, gone, 4000)
    if spent() then return false end
  end
end
-- HSCAN pages of `hash` from `cursor` until the scan ends, the budget is spent or the reply holds
-- some thousands of strings (turning them into the reply costs as much again): the cursor to go
-- on from ('0': done) and the fields and values read (a field may come twice when the hash was
-- resized meanwhile; the reader keeps one).
local function scan_pages(hash, cursor, spent)
  local out = {}
  repeat
    local page = redis.call('HSCAN', hash, cursor, 'COUNT', 128)
    cursor = page[1]
    for _, x in ipairs(page[2]) do out[#out + 1] = x end
  until cursor == '0' or #out >= 2048 or spent()
  return {cursor, out}
end
)lua";

}  // namespace

std::string window_script_source(std::string_view body) {
  std::string source(k_helpers);
  source += body;
  return source;
}

}  // namespace index_optimizer
