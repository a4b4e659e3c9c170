#!/usr/bin/env bash
# How long the fleet view takes to load in headless Chromium with 10,000 provisioned devices: a real hub on a free
# port, the devices provisioned over the API, then the dashboard opened signed in, three times; prints each load
# (from navigation to the first page of rows and the fleet's totals on screen) and their median. Needs chromium and
# chromium-driver. Extra arguments go to Maven, e.g. -Dbench.devices=2000 or -Dbench.runs=5.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -pl hub -am test -Dtest=FleetLoadBenchmark -Dsurefire.failIfNoSpecifiedTests=false "$@"
# surefire keeps a test's output in its report folder
grep -h '^\[bench-fleet\]' hub/target/surefire-reports/org.telemetryhub.hub.dashboard.FleetLoadBenchmark-output.txt \
    || { echo "the benchmark printed no result" >&2; exit 1; }
