#!/usr/bin/env bash
# configs/prometheus-alerts.yaml must pass `promtool check rules` and the promtool unit tests in
# prometheus_alerts_test.yaml (each alert fires on its situation and not on its look-alike).
#   prometheus_alerts_test.sh SOURCE_DIR
# Exit 77 (ctest: skipped) without promtool; scripts/test installs it (package prometheus).
set -euo pipefail
src="$1"
if ! command -v promtool >/dev/null; then
  echo "SKIP: promtool not installed (Debian package prometheus)"
  exit 77
fi
promtool check rules "$src/configs/prometheus-alerts.yaml"
promtool test rules "$src/tests/packaging/prometheus_alerts_test.yaml"
