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
-- version `v:<writer>`. A sum is cmsgpack [events, path, record, ...]; a record's slots (1-based)
-- are c, fs, ls, ln, lu, t1-t8, k0-k11, h0-h30. Summing keeps one record per path, so it costs
-- Lua arithmetic on numbers, not hash fields.
local log_codes = {'c:', 'fs:', 'ls:', 'ln:', 'lu:'}
for i = 1, 8 do log_codes[5 + i] = 't' .. i .. ':' end
for j = 0, 11 do log_codes[14 + j] = 'k' .. j .. ':' end
for b = 0, 30 do log_codes[26 + b] = 'h' .. b .. ':' end
local function log_sum()
  return {e = 0, paths = {}, recs = {}}
end
local function log_add(s, entry)
  local t = cmsgpack.unpack(entry)
  s.e = s.e + t[1]
  local recs, paths = s.recs, s.paths
  for i = 2, #t, 2 do
    local p, r = t[i], t[i + 1]
    local cur = recs[p]
    if cur == nil then
      paths[#paths + 1] = p
      recs[p] = r
    else
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
  end
end
local function log_read(key)
  local s = log_sum()
  local h = redis.call('HGETALL', key)
  for i = 1, #h, 2 do
    if string.byte(h[i], 1) == 101 then log_add(s, h[i + 1]) end  -- 'e:<writer>'
  end
  return s
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
local function entry_delta(entry)
  local s = log_sum()
  log_add(s, entry)
  return log_delta(s)
end
-- A delta listed like HGETALL lists a hash.
local function delta_pairs(d)
  local out = {}
  for _, f in ipairs(d.names) do
    local v = d.add[f]
    if v == nil then v = d.low[f] end
    if v == nil then v = d.high[f] end
    out[#out + 1] = f
    out[#out + 1] = string.format('%d', v)
  end
  return out
end
-- Adds a commit's counts for one bucket to the writer's sum. The writer sends the batch's own
-- entry and, when it knows its sum so far, the new sum built on that sum's version: then the sum
-- is replaced, a memory copy for Redis. Otherwise (the writer's version is another one: it lost
-- track, or the bucket is new to it after the bucket log was deleted) the entry is added to the
-- stored sum here, and the version becomes -1, which no writer holds. Returns whether the sum was
-- replaced, i.e. whether the writer's view of it is current.
local function log_write(key, writer, entry, version, sum)
  local e, v = 'e:' .. writer, 'v:' .. writer
  if sum ~= '' and (tonumber(redis.call('HGET', key, v)) or 0) == tonumber(version) then
    redis.call('HSET', key, e, sum, v, tonumber(version) + 1)
    return true
  end
  local s = log_sum()
  local cur = redis.call('HGET', key, e)
  if cur then log_add(s, cur) end
  log_add(s, entry)
  redis.call('HSET', key, e, log_pack(s), v, -1)
  return false
end
local function server_now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- The start of the oldest bucket still in a window (window_spec::oldest_bucket_start).
local function oldest_start(now, bucket_ms, length_ms)
  return now - (now % bucket_ms) - length_ms + bucket_ms
end
)lua";

}  // namespace

std::string window_script_source(std::string_view body) {
  std::string source(k_helpers);
  source += body;
  return source;
}

}  // namespace index_optimizer
