#!/usr/bin/env bash
# Store figures (not assertions): the cost of one group commit at the ack point (the reading log against H2's
# MVStore used directly, with write and with fsync), the tables' cost per reading when they take the log in
# batches, and the bytes on disk against the bytes of the readings. Medians of three runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -pl hub -am test -Dtest=StoreBenchmark -Dsurefire.failIfNoSpecifiedTests=false
grep -h "Store benchmark" hub/target/surefire-reports/org.telemetryhub.hub.store.StoreBenchmark-output.txt
