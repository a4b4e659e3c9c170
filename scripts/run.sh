#!/usr/bin/env bash
# Builds the hub and runs it on its embedded defaults (config/hub.yaml; HUB_* variables override any key).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q install -DskipTests
# the heap cap the README recommends; JVM_OPTS replaces it
exec java ${JVM_OPTS:--Xmx256m} -jar hub/target/hub.jar config/hub.yaml "$@"
