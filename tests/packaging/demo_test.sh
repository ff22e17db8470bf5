#!/usr/bin/env bash
# scripts/demo, the README's five-minute tour, works against the daemon this build produced: a
# private redis-server and the daemon with configs/dev.yaml (ports moved to free ones), then the
# demo, whose output must show the fields it indexed and rating left below the threshold.
#   demo_test.sh BUILT_DAEMON SOURCE_DIR
# Exit 77 (ctest: skipped) without redis-server, redis-cli, curl or python3.
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
daemon="$1"
src="$2"

for tool in redis-server redis-cli curl python3 timeout; do
  command -v "$tool" >/dev/null || {
    echo "SKIP: $tool not installed"
    exit 77
  }
done

redis_pid=""
daemon_pid=""
cleanup() {
  # Only the processes this test started, by pid.
  if [ -n "$daemon_pid" ]; then
    kill -TERM "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  if [ -n "$redis_pid" ]; then
    kill -TERM "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A port the kernel just handed out and released: free unless something grabs it in between.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_for SECONDS COMMAND...: polls COMMAND until it succeeds, false at the deadline.
wait_for() {
  local deadline=$(($(date +%s) + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly no \
  --logfile "$work/redis.log" &
redis_pid=$!
wait_for 10 redis-cli -p "$redis_port" ping || {
  cat "$work/redis.log"
  fail "redis-server did not start on port $redis_port"
  finish
}

http_port="$(free_port)"
INDEX_OPTIMIZER_HTTP_PORT="$http_port" INDEX_OPTIMIZER_REDIS_URL="redis://127.0.0.1:$redis_port/0" \
  INDEX_OPTIMIZER_LOGGING_LEVEL=info \
  "$daemon" --config "$src/configs/dev.yaml" 2>"$work/daemon.log" &
daemon_pid=$!
if ! wait_for 30 curl -sf "http://127.0.0.1:$http_port/readyz"; then
  cat "$work/daemon.log"
  fail "the daemon did not become ready on port $http_port"
  finish
fi

status=0
INDEX_OPTIMIZER_DEMO_URL="http://127.0.0.1:$http_port" INDEX_OPTIMIZER_DEMO_REDIS_PORT="$redis_port" \
  INDEX_OPTIMIZER_DEMO_TIMEOUT=30 \
  timeout 75 bash "$src/scripts/demo" >"$work/demo.out" 2>&1 || status=$?
cat "$work/demo.out"
[ "$status" -eq 0 ] || {
  tail -n 30 "$work/daemon.log"
  fail "scripts/demo exited $status"
}

# expect_decision FIELD ACTION REASON COUNT TYPE RESULT: one row of the decisions table.
expect_decision() {
  grep -Eq "^ +$1 +$2 +$3 +$4 +$5 +$6 " "$work/demo.out" ||
    fail "no decision row '$*' in the demo's output"
}
expect_decision category create above_threshold 300 keyword created
expect_decision price create above_threshold 180 float created
expect_decision in_stock create above_threshold 120 bool created
expect_decision release_date create above_threshold 101 datetime created
expect_decision rating skip below_threshold 100 float skipped
expect_decision brand skip unknown_type 150 - skipped
# The run names the one namespace it was asked for, once.
[ "$(grep -Ec '^namespace ' "$work/demo.out")" -eq 1 ] ||
  fail "the run record lists the requested namespace more than once, or not at all"
# The namespace lists the four new indexes afterwards.
for field in category price in_stock release_date; do
  sed -n '/payload indexes now/,$p' "$work/demo.out" | grep -Eq "^ +$field " ||
    fail "$field is not among the namespace's payload indexes after the run"
done
if sed -n '/payload indexes now/,$p' "$work/demo.out" | grep -Eq "^ +(rating|brand) "; then
  fail "rating or brand was indexed"
fi

finish
