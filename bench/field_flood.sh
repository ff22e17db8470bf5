#!/usr/bin/env bash
# A producer inventing 200 000 field names in one namespace, against the real daemon and a real
# redis-server: the FieldFlood integration test with 200 000 names instead of the 30 000 that
# every test run sends (docs/events.md, "No script blocks Redis"). It asserts the same things (no
# Redis command over 10 ms, no BUSY, another namespace's producer never refused, /healthz and
# usage answering, the namespace at its field cap with the rest in its overflow entry) and prints
# its figures: ingestion time, the slowest usage answer, the largest usage page, and Redis'
# LATENCY LATEST (the longest command of each kind, in ms). Run by hand after ./scripts/test:
#
#   bench/field_flood.sh [path/to/integration_tests] [names]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
binary="${1:-$here/../build/test/tests/integration_tests}"
names="${2:-200000}"
if [ ! -x "$binary" ]; then
  echo "field_flood.sh: $binary is missing; build it with ./scripts/test first" >&2
  exit 2
fi
INDEX_OPTIMIZER_FLOOD_NAMES="$names" exec "$binary" --gtest_filter='FieldFlood.*' \
  --gtest_color=no
