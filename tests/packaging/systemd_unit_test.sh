#!/usr/bin/env bash
# The shipped systemd unit (and the example drop-in on top of it) must load without a single
# warning, and systemd-analyze's offline security review must rate its exposure at most 1.5.
#   systemd_unit_test.sh BUILT_DAEMON SOURCE_DIR
# Exit 77 (ctest: skipped) when systemd-analyze is missing; scripts/test installs it (package
# systemd).
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh"
daemon="$1"
src="$2"
unit="$src/systemd/index-optimizer.service"
dropin="$src/systemd/index-optimizer.service.d/remote.conf.example"
max_exposure_tenths=15 # systemd 252 takes --threshold as an integer in tenths: 15 is 1.5

if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze not installed (Debian package systemd)"
  exit 77
fi
[ -x "$daemon" ] || { echo "FAIL: built daemon $daemon missing"; exit 1; }


# verify refuses a unit whose ExecStart binary does not exist, and /usr/bin/index-optimizer exists
# only once installed. Verify a copy that differs in nothing but the binary's path, so what is
# checked is the shipped file and the binary this build produced.
grep -q '^ExecStart=/usr/bin/index-optimizer ' "$unit" || fail "ExecStart is not /usr/bin/index-optimizer"
mkdir -p "$work/plain" "$work/with-dropin/index-optimizer.service.d"
sed "s#/usr/bin/index-optimizer#$daemon#g" "$unit" >"$work/plain/index-optimizer.service"
cp "$work/plain/index-optimizer.service" "$work/with-dropin/"
cp "$dropin" "$work/with-dropin/index-optimizer.service.d/remote.conf"
[ "$(diff "$unit" "$work/plain/index-optimizer.service" | grep -c '^[<>]')" -eq 2 ] ||
  fail "the verified copy differs from the unit in more than the ExecStart line"

for variant in plain with-dropin; do
  copy="$work/$variant/index-optimizer.service"
  # verify exits 0 on unknown keys and bad values ("... ignoring"), so any line naming our unit
  # or drop-in is a failure; lines about other units on this host are not ours to judge.
  status=0
  out="$(cd "$work/$variant" && systemd-analyze verify "$copy" 2>&1)" || status=$?
  [ -z "$out" ] || printf '%s\n' "$out" | sed "s/^/  verify($variant): /"
  [ "$status" -eq 0 ] || fail "systemd-analyze verify ($variant) exited $status"
  if printf '%s\n' "$out" | grep -q 'index-optimizer\.service'; then
    fail "systemd-analyze verify ($variant) reported problems in the unit"
  fi

  status=0
  out="$(cd "$work/$variant" && systemd-analyze security --offline=true \
    --threshold="$max_exposure_tenths" "$copy" 2>&1)" || status=$?
  level="$(printf '%s\n' "$out" | grep 'Overall exposure level' || true)"
  echo "  security($variant): ${level:-no overall level printed}"
  if [ "$status" -ne 0 ]; then
    printf '%s\n' "$out" | grep -v '^✓' || true
    fail "exposure ($variant) above 1.5 (or security review failed, exit $status)"
  fi
done

# The contract the daemon relies on (sd_notify, reload, drain) and the brief's hardening; a
# drop-in may still override, but the shipped unit must say these.
# shellcheck disable=SC2016 # $MAINPID is for systemd, not this shell
for line in Type=notify NotifyAccess=main WatchdogSec=30s Restart=on-failure DynamicUser=yes \
  'ExecReload=/bin/kill -HUP $MAINPID' ConfigurationDirectory=index-optimizer \
  ProtectSystem=strict ProtectProc=invisible ProcSubset=pid NoNewPrivileges=yes \
  'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' 'SystemCallFilter=@system-service' \
  'SystemCallFilter=~@privileged @resources' CapabilityBoundingSet= AmbientCapabilities= \
  MemoryDenyWriteExecute=yes UMask=0077; do
  grep -qxF -- "$line" "$unit" || fail "unit lacks the line '$line'"
done
for key in StartLimitIntervalSec StartLimitBurst TimeoutStopSec; do
  grep -q "^$key=" "$unit" || fail "unit lacks $key="
done

# The unit's config path is the daemon's built-in default, so `index-optimizer --check-config`
# run by hand checks the same file the service reads.
grep -q '"/etc/index-optimizer/index-optimizer.yaml"' "$src/daemon/main.cpp" ||
  fail "daemon's default config path is not /etc/index-optimizer/index-optimizer.yaml"
grep -q -- '--config /etc/index-optimizer/index-optimizer.yaml$' "$unit" ||
  fail "ExecStart does not read /etc/index-optimizer/index-optimizer.yaml"

# systemd must give the drain deadline room: TimeoutStopSec above the shipped drain_timeout.
seconds() { # "30s", "1min", "2m" -> seconds
  case "$1" in
    *min) echo $((${1%min} * 60)) ;; *m) echo $((${1%m} * 60)) ;; *s) echo "${1%s}" ;;
    *) echo "$1" ;;
  esac
}
stop="$(sed -n 's/^TimeoutStopSec=//p' "$unit")"
drain="$(sed -n 's/^ *drain_timeout: *"\([^"]*\)".*/\1/p' "$src/configs/index-optimizer.yaml")"
if [ -z "$stop" ] || [ -z "$drain" ]; then
  fail "TimeoutStopSec or shutdown.drain_timeout not found"
elif [ "$(seconds "$stop")" -le "$(seconds "$drain")" ]; then
  fail "TimeoutStopSec=$stop is not above shutdown.drain_timeout=$drain"
fi

finish
