# shellcheck shell=bash
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
# True for a binary built with sanitizers: it links their runtimes and makes their system calls,
# so checks meant for the shipped Release binary skip it. Not `objdump | grep -q`: grep -q exits at
# the first match, objdump then dies of SIGPIPE and pipefail turns the match into a failure (seen:
# Packaging.Dockerfile ran its Release-only checks on a TSan build).
sanitizer_build() { grep -q 'NEEDED *lib[a-z]*san\.so' <<<"$(objdump -p "$1")"; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
