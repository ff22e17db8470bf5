-- One wrk script for every admin-API measurement of bench/admin_load.sh. wrk 4.1 (Debian's) has
-- no rate option, so pacing is done here. Configured through the environment (every wrk thread
-- runs this file in its own Lua state; os.getenv is the one input they all share):
--   BENCH_LABEL      name printed in the result line
--   BENCH_METHOD     GET (default) or PATCH
--   BENCH_BODY_FILE  request body (PATCH), sent with Content-Type: application/json
--   BENCH_KEY        API key, sent as Authorization: Bearer (empty: none)
--   BENCH_NAMESPACE  X-Namespace header (empty: none)
--   BENCH_RATE       total requests per second over all threads; 0 or empty: as fast as the
--                    connections go (closed loop)
--   BENCH_THREADS    wrk's -t, so each thread paces its share of BENCH_RATE
--
-- Pacing: each thread hands out send slots BENCH_THREADS/BENCH_RATE seconds apart, from a
-- monotonic clock (clock_gettime through LuaJIT's FFI). wrk calls delay() before every request
-- (on connect and after each response) and waits the returned milliseconds before writing it;
-- the connection takes the next free slot. With more connections than rate x latency, every
-- slot finds an idle connection, so the offered rate is BENCH_RATE whatever the latency. A slot
-- missed by more than one period is dropped rather than sent in a burst later. wrk measures
-- latency from the moment the request is written, so the pause is not counted in it.
--
-- done() prints one line, parsed by bench/admin_load.sh:
--   RESULT label requests seconds req_per_s p50_ms p90_ms p99_ms max_ms non2xx socket_errors

local method = os.getenv("BENCH_METHOD") or "GET"
local body_file = os.getenv("BENCH_BODY_FILE") or ""
local key = os.getenv("BENCH_KEY") or ""
local ns = os.getenv("BENCH_NAMESPACE") or ""
local rate = tonumber(os.getenv("BENCH_RATE") or "") or 0
local threads = tonumber(os.getenv("BENCH_THREADS") or "") or 1

wrk.method = method
if key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
if ns ~= "" then wrk.headers["X-Namespace"] = ns end
if body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
end

if rate > 0 then
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clock_id, bench_timespec *tp);
  ]]
  local CLOCK_MONOTONIC = 1
  local ts = ffi.new("bench_timespec")
  local function now_ms()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
  local period = 1000 * threads / rate
  local next_slot = nil

  function delay()
    local now = now_ms()
    if next_slot == nil or next_slot < now - period then next_slot = now end
    local wait = next_slot - now
    next_slot = next_slot + period
    return math.floor(wait + 0.5)
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT %s %d %.3f %.1f %.3f %.3f %.3f %.3f %d %d\n",
    os.getenv("BENCH_LABEL") or "-", summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.status,
    e.connect + e.read + e.write + e.timeout))
end
