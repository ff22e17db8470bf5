#!/usr/bin/env bash
# The unit's SystemCallFilter= must allow every system call the daemon makes, or the call fails
# with EPERM in production only. This runs the daemon under strace through start-up, Redis,
# every kind of HTTP request, SIGHUP and SIGTERM, and checks each call it made against the set the
# unit allows (its SystemCallFilter= lines, expanded by systemd-analyze syscall-filter).
#   syscall_filter_test.sh BUILT_DAEMON SOURCE_DIR
# Exit 77 (ctest: skipped) without strace, redis-server or systemd-analyze, and for sanitizer
# builds.
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
daemon="$1"
src="$2"
unit="$src/systemd/index-optimizer.service"
if sanitizer_build "$daemon"; then
  echo "SKIP: a sanitizer build makes its runtime's system calls; production runs a Release build"
  exit 77
fi
for tool in strace redis-server systemd-analyze; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool not installed"
    exit 77
  fi
done

# --- The set the unit allows ---------------------------------------------------------------------
expand() { # a call or @group -> calls, recursively
  case "$1" in
    @*) systemd-analyze syscall-filter "$1" 2>/dev/null |
      awk 'NR > 1 && NF && $1 !~ /^#/ {print $1}' | while read -r item; do expand "$item"; done ;;
    *) echo "$1" ;;
  esac
}
: >"$work/allowed"
: >"$work/denied"
while read -r line; do
  case "$line" in
    '~'*) for item in ${line#\~}; do expand "$item"; done >>"$work/denied" ;;
    *) for item in $line; do expand "$item"; done >>"$work/allowed" ;;
  esac
done < <(sed -n 's/^SystemCallFilter=//p' "$unit")
sort -u -o "$work/allowed" "$work/allowed"
sort -u -o "$work/denied" "$work/denied"
comm -23 "$work/allowed" "$work/denied" >"$work/effective"
[ -s "$work/effective" ] || fail "the unit's SystemCallFilter= allows nothing (parse error?)"

# --- The daemon's calls --------------------------------------------------------------------------
redis-server --port 0 --unixsocket "$work/redis.sock" --save "" --appendonly no \
  --dir "$work" >"$work/redis.log" 2>&1 &
redis_pid=$!
cleanup() {
  [ -z "${daemon_pid:-}" ] || kill -KILL "$daemon_pid" 2>/dev/null || true
  kill "$redis_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
wait_for() { # DESCRIPTION COMMAND...: polls COMMAND for up to 30 s
  local what="$1" i
  shift
  for ((i = 0; i < 300; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  fail "timed out waiting for $what"
  return 1
}
wait_for "redis-server's socket" test -S "$work/redis.sock"

# The dev key, so authenticated routes run their handlers (printf %s dev-admin-key | sha256sum).
cat >"$work/config.yaml" <<YAML
http:
  port: 0
auth:
  keys:
    - name: "test"
      sha256: "df76ff796f70d2c9cb055ea6280553caa27eda26b70e01082c160de75a05a4a9"
      permissions: [admin]
redis:
  url: "unix://$work/redis.sock"
YAML
strace -f -qq -o "$work/trace" "$daemon" --config "$work/config.yaml" >"$work/daemon.log" 2>&1 &
strace_pid=$!
wait_for "the daemon to be ready" grep -q 'redis reachable; ready' "$work/daemon.log"
daemon_pid="$(sed -n 's/.*msg="starting index-optimizer".* pid=\([0-9]*\).*/\1/p' "$work/daemon.log")"
[ -n "$daemon_pid" ] || daemon_pid="$(pgrep -P "$strace_pid" | head -n1)"
port="$(sed -n 's/.*msg="http listening".* port=\([0-9]*\).*/\1/p' "$work/daemon.log")"
[ -n "$port" ] || fail "no port in the daemon's log"

request() { # METHOD TARGET [BODY]: one HTTP/1.1 request over bash's /dev/tcp; prints the status line
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf '%s %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer dev-admin-key\r\nContent-Type: application/json\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
    "$1" "$2" "${#3}" "${3:-}" >&3
  local status
  IFS= read -r -t 10 status <&3 || true
  exec 3<&-
  echo "  $1 $2 -> ${status%$'\r'}"
}
for target in /healthz /readyz /metrics /v1/namespaces /nope; do request GET "$target" ""; done
request POST /v1/namespaces/list '{}'
request PATCH /v1/namespaces/ns_missing '{"auto_create_indexes": true}'

kill -HUP "$daemon_pid"
wait_for "the reload" grep -q 'config reloaded' "$work/daemon.log"
kill -TERM "$daemon_pid"
wait_for "the daemon to exit" bash -c "! kill -0 $daemon_pid 2>/dev/null"
wait "$strace_pid" || true
daemon_pid=""

# strace lines: "PID name(args) = result", "PID <... name resumed> ...", "PID +++ exited ...".
sed -E -n 's/^[0-9]+ +([a-z_0-9]+)\(.*/\1/p; s/^[0-9]+ +<\.\.\. ([a-z_0-9]+) resumed>.*/\1/p' \
  "$work/trace" | sort -u >"$work/used"
echo "system calls made: $(wc -l <"$work/used") ($(tr '\n' ' ' <"$work/used"))"
[ "$(wc -l <"$work/used")" -gt 20 ] || fail "too few system calls traced; did strace run the daemon?"
outside="$(comm -23 "$work/used" "$work/effective")"
[ -z "$outside" ] || fail "the daemon makes calls the unit's SystemCallFilter= forbids: $(echo "$outside" | tr '\n' ' ')"
grep -q 'msg=stopped' "$work/daemon.log" || { cat "$work/daemon.log"; fail "the daemon did not stop cleanly"; }

finish
