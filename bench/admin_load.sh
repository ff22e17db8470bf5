#!/usr/bin/env bash
# Admin-API load benchmark: drives the daemon's admin API with wrk while ingestion runs at its
# full rate, next to /healthz as the HTTP floor, and checks the targets of issue #7:
#   - PATCH /v1/namespaces/{id} at max throughput >= 25% of /healthz's;
#   - p99 under 20 ms for GET, PATCH and usage at 1 000 req/s.
#
#   bench/admin_load.sh [--duration S] [--connections N] [--paced-connections N] [--rate R]
#                       [--threads N] [--build-dir DIR] [--set VAR=VALUE]... [--nice N]
#                       [--keep] [--serve]
#
# It starts everything it needs on free loopback ports in a temporary directory and stops it all
# on exit: a private redis-server, the fake Qdrant (build/tests/fake-qdrant) with the namespace's
# collection, the daemon (build/daemon/index-optimizer) with a generated configuration (one API
# key, loopback, the production defaults for threads and pools, the optimizer off so only the API
# and ingestion run), and a producer (build/bench/ingest_bench --produce) that XADDs realistic
# filter events for four namespaces as fast as the daemon consumes them (it keeps the group's lag
# near 50 000 entries, so ingestion always has a backlog). Then, for each endpoint, one wrk run at
# max throughput (closed loop, --connections) and one paced at --rate (bench/wrk/admin_request.lua,
# --paced-connections):
#   /healthz                           the floor: answered on the I/O thread, no Redis, no auth
#   GET   /v1/namespaces/{id}          registry read + Qdrant collection info (document_count)
#   PATCH /v1/namespaces/{id}          a realistic body (description + three payload indexes),
#                                      applied once before the runs, so every measured PATCH is a
#                                      no-op: validation, registry read, diff, response
#   GET   /v1/analytics/indexes/usage  X-Namespace: the window read over ~200 fields
# and prints req/s, p50/p90/p99 (wrk's own histogram), non-2xx answers, the daemon's mean
# server-side time for the route (from its /metrics histogram), the events counted per second
# during the run and the daemon's CPU use. Exits 1 when a target is missed or a run had errors.
# --set passes a configuration override to the daemon as an environment variable, e.g.
# --set INDEX_OPTIMIZER_HTTP_WORKER_THREADS=16 (docs/configuration.md lists them).
# --nice N runs the whole benchmark (and everything it starts) at that nice value, and sets its
# session's scheduling autogroup to it while it runs; a negative one (root) shields the
# measurement from other work on a shared machine.
# --serve sets everything up, prints the URL, key and namespace id, and waits (for profiling by
# hand: perf, /metrics, your own wrk runs) until interrupted; --keep keeps the temporary
# directory (logs, configuration, wrk outputs).
# Missing packages (wrk, redis, curl) are installed through scripts/common.sh; missing binaries
# are built (two jobs).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"

DURATION=15
CONNECTIONS=32
PACED_CONNECTIONS=50
RATE=1000
THREADS=2
BUILD_DIR="$ROOT/build"
KEEP=0
SERVE=0
DAEMON_ENV=()
NICE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift ;;
    --connections) CONNECTIONS="$2"; shift ;;
    --paced-connections) PACED_CONNECTIONS="$2"; shift ;;
    --rate) RATE="$2"; shift ;;
    --threads) THREADS="$2"; shift ;;
    --build-dir) BUILD_DIR="$2"; shift ;;
    --keep) KEEP=1 ;;
    --set) DAEMON_ENV+=("$2"); shift ;;
    --nice) NICE="$2"; shift ;;
    --serve) SERVE=1 ;;
    *) echo "bench/admin_load.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

ensure_packages wrk redis-server redis-tools curl python3

DAEMON="$BUILD_DIR/daemon/index-optimizer"
FAKE_QDRANT="$BUILD_DIR/tests/fake-qdrant"
PRODUCER="$BUILD_DIR/bench/ingest_bench"
if [ ! -x "$DAEMON" ] || [ ! -x "$FAKE_QDRANT" ] || [ ! -x "$PRODUCER" ]; then
  export CCACHE_BASEDIR="$ROOT"
  [ -f "$BUILD_DIR/build.ninja" ] || cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja >/dev/null
  log "building index-optimizer, fake-qdrant and ingest_bench in $BUILD_DIR"
  cmake --build "$BUILD_DIR" --parallel "${BUILD_JOBS:-2}" --target index-optimizer fake-qdrant \
    ingest_bench
fi
LUA="$ROOT/bench/wrk/admin_request.lua"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/admin-load.XXXXXX")"
PIDS=()
# shellcheck disable=SC2317  # runs from the EXIT trap
cleanup() {
  local pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid="${PIDS[$i]}"
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  [ -z "$AUTOGROUP_NICE" ] || echo "$AUTOGROUP_NICE" >/proc/self/autogroup
  if [ "$KEEP" -eq 1 ]; then
    echo "kept $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Children inherit the nice value: Redis, the fake Qdrant, the daemon, the producer and wrk. With
# the kernel's autogroup scheduling (sched_autogroup_enabled) a nice value only ranks processes
# within their session's group, so the group's own nice is raised too, and restored on exit.
AUTOGROUP_NICE=""
if [ -n "$NICE" ]; then
  renice -n "$NICE" -p $$ >/dev/null
  if [ -w /proc/self/autogroup ]; then
    AUTOGROUP_NICE="$(sed -n 's/.* nice //p' /proc/self/autogroup)"
    echo "$NICE" >/proc/self/autogroup
  fi
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.1 s until it succeeds.
wait_for() {
  local seconds="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "bench/admin_load.sh: timed out waiting for $what" >&2
      for f in "$WORK"/*.log; do
        echo "--- $f" >&2
        tail -20 "$f" >&2
      done
      exit 1
    fi
    sleep 0.1
  done
}

# --- Redis
REDIS_PORT="$(free_port)"
mkdir -p "$WORK/redis"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --save "" \
  --appendonly no >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
wait_for 10 "redis-server" redis-cli -p "$REDIS_PORT" ping
# Every command that keeps Redis busy for 1 ms or more is logged: Redis runs one command (or
# script) at a time, so these are the stretches in which every other client, the API's reads
# included, waits.
redis-cli -p "$REDIS_PORT" config set slowlog-log-slower-than 1000 >/dev/null
redis-cli -p "$REDIS_PORT" config set slowlog-max-len 1000000 >/dev/null

# --- fake Qdrant
COLLECTION="bench_load"
"$FAKE_QDRANT" --port 0 --collection "$COLLECTION" --collection bench_other_1 \
  --collection bench_other_2 --collection bench_other_3 >"$WORK/qdrant.port" 2>"$WORK/qdrant.log" &
PIDS+=($!)
wait_for 10 "fake-qdrant" grep -q '^[0-9]' "$WORK/qdrant.port"
QDRANT_PORT="$(head -1 "$WORK/qdrant.port")"

# --- the daemon
HTTP_PORT="$(free_port)"
KEY="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
KEY_SHA="$(printf %s "$KEY" | sha256sum | cut -d' ' -f1)"
STREAM='io:{events}'
cat >"$WORK/config.yaml" <<EOF
# Generated by bench/admin_load.sh. Production defaults except: loopback on a free port, one
# key, the optimizer off (the benchmark measures the API under ingestion), warn-level logs.
http:
  address: "127.0.0.1"
  port: $HTTP_PORT
auth:
  keys:
    - name: "bench"
      sha256: "$KEY_SHA"
      permissions: [admin]
redis:
  url: "redis://127.0.0.1:$REDIS_PORT/0"
ingest:
  streams: ["$STREAM"]
  consumer_name: "bench-1"
optimizer:
  enabled: false
qdrant:
  url: "http://127.0.0.1:$QDRANT_PORT"
logging:
  level: "warn"
EOF
env "${DAEMON_ENV[@]}" "$DAEMON" --config "$WORK/config.yaml" >"$WORK/daemon.log" 2>&1 &
PIDS+=($!)
DAEMON_PID=$!
URL="http://127.0.0.1:$HTTP_PORT"
wait_for 30 "the daemon's /readyz" curl -sf "$URL/readyz"

api() {
  local method="$1" path="$2" body="${3:-}"
  local args=(-sS -X "$method" -H "Authorization: Bearer $KEY" --max-time 30 -o "$WORK/api.json"
    -w '%{http_code}')
  [ -z "$body" ] || args+=(-H 'Content-Type: application/json' --data-binary "$body")
  local status
  status="$(curl "${args[@]}" "$URL$path")"
  if [ "${status:0:1}" != 2 ]; then
    echo "bench/admin_load.sh: $method $path answered $status: $(cat "$WORK/api.json")" >&2
    exit 1
  fi
}
json_field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$WORK/api.json" "$1"; }

# --- namespaces: the measured one, plus three that share the event stream
api POST /v1/namespaces "{\"namespace_name\": \"bench-load\", \"feature_extractors\": [],
  \"infrastructure\": {\"qdrant_collection\": \"$COLLECTION\"}}"
NS_ID="$(json_field namespace_id)"
PRODUCER_NAMESPACES=(--namespace "$NS_ID" --namespace bench-load)
for i in 1 2 3; do
  api POST /v1/namespaces "{\"namespace_name\": \"bench-other-$i\", \"feature_extractors\": [],
    \"infrastructure\": {\"qdrant_collection\": \"bench_other_$i\"}}"
  PRODUCER_NAMESPACES+=(--namespace "$(json_field namespace_id)")
done

# The PATCH body: what a deployment tool re-applying a namespace's desired state sends. Applied
# once here (creating the three indexes in the fake Qdrant), so every measured PATCH is a no-op.
cat >"$WORK/patch.json" <<'EOF'
{"description": "Product catalog: filtered by brand, price range and listing date",
 "auto_create_indexes": true,
 "payload_indexes": [
   {"field_name": "metadata.attr_0", "type": "keyword", "field_schema": {"is_tenant": false}},
   {"field_name": "metadata.attr_2", "type": "float"},
   {"field_name": "metadata.attr_5", "type": "datetime"}]}
EOF
api PATCH "/v1/namespaces/$NS_ID" "$(cat "$WORK/patch.json")"

# --- the producer
"$PRODUCER" --produce --redis-url "redis://127.0.0.1:$REDIS_PORT/0" --stream "$STREAM" \
  "${PRODUCER_NAMESPACES[@]}" >"$WORK/producer.log" 2>&1 &
PIDS+=($!)
PRODUCER_PID=$!

metrics() { curl -sf "$URL/metrics"; }
# metric_sum FILE NAME [LABEL_FRAGMENT...]: the sum of NAME's samples whose labels contain every
# fragment.
metric_sum() {
  local file="$1" name="$2"
  shift 2
  awk -v name="$name" -v frags="$*" '
    BEGIN { n = split(frags, want, " ") }
    { metric = $1; sub(/\{.*/, "", metric) }
    metric == name {
      ok = 1
      for (i = 1; i <= n; i++) if (index($1, want[i]) == 0) ok = 0
      if (ok) sum += $NF
    }
    END { printf "%.6f\n", sum + 0 }' "$file"
}
# calc EXPRESSION: awk arithmetic (comparisons give 1 or 0).
calc() { awk "BEGIN { printf \"%.6f\", ($*) }"; }
wait_for 60 "ingestion to count events" \
  bash -c "[ \"\$(curl -sf '$URL/metrics' | awk '/^index_optimizer_ingest_events_counted_total/ {s += \$NF} END {print (s > 0)}')\" = 1 ]"

if [ "$SERVE" -eq 1 ]; then
  echo "URL=$URL KEY=$KEY NS_ID=$NS_ID DAEMON_PID=$DAEMON_PID REDIS_PORT=$REDIS_PORT WORK=$WORK"
  echo "PATCH body: $WORK/patch.json; serving until interrupted"
  # In the background and waited for, so a signal runs the EXIT trap at once.
  while true; do
    sleep 3600 &
    PIDS+=($!)
    wait $!
  done
fi

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
CLK_TCK="$(getconf CLK_TCK)"

# run LABEL MODE ROUTE METHOD PATH [X-Namespace] [BODY_FILE]
RESULTS=()
run() {
  local label="$1" mode="$2" route="$3" method="$4" path="$5" ns="${6:-}" body="${7:-}"
  local rate=0 conns="$CONNECTIONS"
  if [ "$mode" = paced ]; then
    rate="$RATE"
    conns="$PACED_CONNECTIONS"
  fi
  local key="$KEY"
  [ "$path" != /healthz ] || key=""
  metrics >"$WORK/before.txt"
  redis-cli -p "$REDIS_PORT" slowlog reset >/dev/null
  local cpu_before
  cpu_before="$(cpu_ticks "$DAEMON_PID")"
  if [ "$label" = redis ]; then
    conns=1
    redis_probe >"$WORK/wrk-$label-$mode.txt" 2>&1
  else
    BENCH_LABEL="$label" BENCH_METHOD="$method" BENCH_BODY_FILE="$body" BENCH_KEY="$key" \
      BENCH_NAMESPACE="$ns" BENCH_RATE="$rate" BENCH_THREADS="$THREADS" \
      wrk -t"$THREADS" -c"$conns" -d"${DURATION}s" --timeout 10s -s "$LUA" "$URL$path" \
      >"$WORK/wrk-$label-$mode.txt" 2>&1
  fi
  local cpu_after
  cpu_after="$(cpu_ticks "$DAEMON_PID")"
  metrics >"$WORK/after.txt"
  local line
  line="$(grep '^RESULT ' "$WORK/wrk-$label-$mode.txt")" || {
    cat "$WORK/wrk-$label-$mode.txt" >&2
    exit 1
  }
  local fragments=("route=\"$route\"" "method=\"$method\"")
  local histogram=index_optimizer_http_request_duration_seconds counted=index_optimizer_ingest_events_counted_total
  delta() { calc "$(metric_sum "$WORK/after.txt" "$@") - $(metric_sum "$WORK/before.txt" "$@")"; }
  local d_sum d_count d_events server_ms ingest_rate cpu
  d_sum="$(delta "${histogram}_sum" "${fragments[@]}")"
  d_count="$(delta "${histogram}_count" "${fragments[@]}")"
  d_events="$(delta "$counted")"
  read -r _ _ _ seconds rps p50 p90 p99 max non2xx errors <<<"$line"
  server_ms="$(calc "$d_count > 0 ? 1000 * $d_sum / $d_count : 0")"
  ingest_rate="$(calc "$d_events / $seconds")"
  cpu="$(calc "100 * ($cpu_after - $cpu_before) / $CLK_TCK / $seconds")"
  # Redis busy 1 ms or longer at a time: how many times, longest, share of the run.
  local blocked
  # Kept for --keep: which commands blocked Redis (the first argument names a script's SHA).
  redis-cli -p "$REDIS_PORT" --json slowlog get -1 >"$WORK/slowlog-$label-$mode.json"
  blocked="$(python3 -c '
import json, sys
d = sorted(e[2] for e in json.load(sys.stdin))
print(len(d), "%.1f" % (d[-1] / 1000 if d else 0), "%.1f" % (sum(d) / 1e4 / float(sys.argv[1])))
' "$seconds" <"$WORK/slowlog-$label-$mode.json")"
  RESULTS+=("$label $mode $conns $rps $p50 $p90 $p99 $max $non2xx $errors $server_ms $ingest_rate $cpu $blocked")
  printf '  %-8s %-6s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  ingest %7.0f ev/s\n' \
    "$label" "$mode" "$rps" "$p50" "$p99" "$ingest_rate" >&2
}

# The floor under the Redis-backed routes: a bare Redis GET of the namespace document, paced at
# --rate on one connection (python, RESP by hand), while ingestion runs. No route that reads Redis
# can answer faster than Redis does.
redis_probe() {
  python3 - "$REDIS_PORT" "$RATE" "$DURATION" "io:{ns}:doc:$NS_ID" <<'PROBE'
import socket, sys, time
port, rate, duration, key = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
command = b"*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n" % (len(key), key.encode())
def reply():
    data = b""
    while True:
        data += s.recv(65536)
        if data.startswith(b"$-1\r\n"):
            return
        head, _, rest = data.partition(b"\r\n")
        if _ and len(rest) >= int(head[1:]) + 2:
            return
latencies, start = [], time.monotonic()
next_at = start
while time.monotonic() - start < duration:
    now = time.monotonic()
    if next_at > now:
        time.sleep(next_at - now)
    next_at = max(next_at + 1 / rate, time.monotonic() - 1 / rate)
    t = time.perf_counter()
    s.sendall(command)
    reply()
    latencies.append(time.perf_counter() - t)
elapsed = time.monotonic() - start
latencies.sort()
q = lambda f: latencies[min(len(latencies) - 1, int(f * len(latencies)))] * 1000
print("RESULT redis %d %.3f %.1f %.3f %.3f %.3f %.3f 0 0" % (len(latencies), elapsed,
      len(latencies) / elapsed, q(0.5), q(0.9), q(0.99), latencies[-1] * 1000))
PROBE
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
log "measuring: ${DURATION} s per run, wrk -t$THREADS, -c$CONNECTIONS (max) / -c$PACED_CONNECTIONS at $RATE req/s (paced); load average $LOAD_BEFORE"
for mode in max paced; do
  [ "$mode" = max ] || run redis "$mode" - GET -
  run healthz "$mode" /healthz GET /healthz
  run get "$mode" "/v1/namespaces/{namespace_identifier}" GET "/v1/namespaces/$NS_ID"
  run patch "$mode" "/v1/namespaces/{namespace_identifier}" PATCH "/v1/namespaces/$NS_ID" "" \
    "$WORK/patch.json"
  run usage "$mode" /v1/analytics/indexes/usage GET /v1/analytics/indexes/usage "$NS_ID"
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
# Stop the producer now so its summary line is written.
kill "$PRODUCER_PID" 2>/dev/null || true
wait "$PRODUCER_PID" 2>/dev/null || true

echo
echo "index-optimizer admin API under load ($(date -u +%Y-%m-%dT%H:%MZ))"
echo "machine: $(nproc) CPUs, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); load average $LOAD_BEFORE before, $LOAD_AFTER after"
echo "wrk -t$THREADS -d${DURATION}s; max: -c$CONNECTIONS closed loop; paced: -c$PACED_CONNECTIONS at $RATE req/s"
[ "${#DAEMON_ENV[@]}" -eq 0 ] || echo "daemon configuration overrides: ${DAEMON_ENV[*]}"
[ -z "$NICE" ] || echo "every process of the benchmark at nice $NICE"
echo "producer: $(tail -1 "$WORK/producer.log")"
echo
printf '%-8s %-6s %5s %9s %8s %8s %8s %8s %7s %10s %10s %6s %13s\n' endpoint mode conns 'req/s' \
  'p50 ms' 'p90 ms' 'p99 ms' 'max ms' non-2xx 'server ms' 'ingest/s' 'CPU %' 'redis≥1ms'
declare -A MAX_RPS PACED_P99 PACED_RPS
FAILED=0
for r in "${RESULTS[@]}"; do
  read -r label mode conns rps p50 p90 p99 max non2xx errors server_ms ingest_rate cpu \
    _ slow_max slow_share <<<"$r"
  printf '%-8s %-6s %5d %9.0f %8.2f %8.2f %8.2f %8.2f %7d %10.3f %10.0f %6.0f %5.0f%% ≤%4.0fms\n' \
    "$label" "$mode" "$conns" "$rps" "$p50" "$p90" "$p99" "$max" "$((non2xx + errors))" \
    "$server_ms" "$ingest_rate" "$cpu" "$slow_share" "$slow_max"
  [ "$mode" = max ] && MAX_RPS[$label]="$rps"
  [ "$mode" = paced ] && PACED_P99[$label]="$p99" && PACED_RPS[$label]="$rps"
  if [ "$((non2xx + errors))" -gt 0 ]; then
    echo "  ^ $label $mode: $non2xx non-2xx answers, $errors socket errors" >&2
    FAILED=1
  fi
done
cat <<'LEGEND'
(p50/p90/p99/max: wrk's latency histogram, request written to response read; server ms: the
daemon's mean for the route from its /metrics histogram, queueing for a worker included;
ingest/s: events counted during the run; CPU %: the daemon's, of one core; redis≥1ms: share of
the run Redis spent in commands of 1 ms or more (ingestion's commit scripts) and the longest one;
redis: a bare GET of the namespace document on one connection, the floor of the Redis-backed routes)
LEGEND
echo
verdict() {
  if [ "$1" = 1 ]; then
    echo PASS
  else
    echo FAIL
  fi
}
ratio="$(calc "${MAX_RPS[patch]} / ${MAX_RPS[healthz]}")"
ok="$(calc "$ratio >= 0.25")"
[ "${ok%.*}" = 1 ] || FAILED=1
printf 'PATCH/floor throughput: %.1f%% (target >= 25%%): %s\n' "$(calc "100 * $ratio")" \
  "$(verdict "${ok%.*}")"
for label in get patch usage; do
  ok="$(calc "${PACED_P99[$label]} < 20 && ${PACED_RPS[$label]} >= 0.95 * $RATE")"
  [ "${ok%.*}" = 1 ] || FAILED=1
  printf '%-5s p99 at %.0f req/s: %.2f ms (target < 20 ms at %s req/s): %s\n' "$label" \
    "${PACED_RPS[$label]}" "${PACED_P99[$label]}" "$RATE" "$(verdict "${ok%.*}")"
done
exit "$FAILED"
