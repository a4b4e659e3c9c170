#!/usr/bin/env bash
# Builds the hub and runs it on its embedded defaults (config/hub.yaml; HUB_* variables override any key).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q install -DskipTests
# the JVM options the README recommends (config/jvm.options); JVM_OPTS replaces them
exec java ${JVM_OPTS:-@config/jvm.options} -jar hub/target/hub.jar config/hub.yaml "$@"
