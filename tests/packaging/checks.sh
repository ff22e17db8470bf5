# Shared by the packaging tests: sourced, not executed. Each test collects every failed check
# (so one run shows all that is wrong) and ends with `finish`; $work is a scratch directory
# removed on exit.
set -euo pipefail
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
finish() {
  [ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
  echo "PASS"
}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
