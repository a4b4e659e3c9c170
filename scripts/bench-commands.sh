#!/usr/bin/env bash
# Commands benchmark: command round trips/s and their latency (request → delivery over /ws/device → result stored →
# command_ack), the median of several runs, each against a fresh throwaway hub.
#
#   scripts/bench-commands.sh [--runs N] [commands options]
#
# Options:
#   --runs N (3)   runs, each with a fresh hub (loopback, free port, temporary store, MQTT off, config/jvm.options plus
#                  BENCH_HUB_JVM_OPTS); the median of each figure follows the runs
#   the rest goes to the simulator (java -jar device-simulator/target/device-simulator.jar commands --help):
#   --devices N (1000) --per-device R (1 command/s) --duration S (30) --warmup S (60) --requests C (256)
#
# The script builds the jars if they are missing (mvn -B -q package -DskipTests, never install). Any HUB_* variable
# set in the environment reaches the hubs. Also read: BENCH_JVM_OPTS (the simulator's JVM options), BENCH_KEEP=1
# (keep each run's store and hub log). Needs a JDK 17 and curl.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HUB_JAR="$ROOT/hub/target/hub.jar"
SIM_JAR="$ROOT/device-simulator/target/device-simulator.jar"

die() {
    echo "bench-commands: $*" >&2
    exit 1
}

# shellcheck source=lib/bench-hub.sh
source "$ROOT/scripts/lib/bench-hub.sh"

runs=3
sim_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs="${2:-}"; shift 2 ;;
        --runs=*) runs="${1#--runs=}"; shift ;;
        --hub | --hub=* | --password*) die "$1 is not for this script: it benchmarks the hubs it starts" ;;
        *) sim_args+=("$1"); shift ;;
    esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer, but was \"$runs\""

if [[ ! -f "$HUB_JAR" || ! -f "$SIM_JAR" ]]; then
    (cd "$ROOT" && mvn -B -q package -DskipTests)
fi

work=""
cleanup() {
    local status=$?
    hub_stop
    if [[ -n "$work" && "${BENCH_KEEP:-0}" != 1 && $status -eq 0 ]]; then
        rm -rf "$work"
    elif [[ -n "$work" ]]; then
        echo "bench-commands: kept the stores and hub logs in $work" >&2
    fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

work="$(mktemp -d "${TMPDIR:-/tmp}/bench-commands.XXXXXX")"
results=()
for run in $(seq 1 "$runs"); do
    mkdir -p "$work/run-$run"
    # every device connects from 127.0.0.1: the per-address connection limit must hold them all
    hub_start "$work/run-$run" "$HUB_JVM_RECOMMENDED${BENCH_HUB_JVM_OPTS:+ $BENCH_HUB_JVM_OPTS}" \
        HUB_LIMITS_CONNECTIONSPERADDRESS="${HUB_LIMITS_CONNECTIONSPERADDRESS:-100000}" \
        HUB_LIMITS_CONNECTIONSTOTAL="${HUB_LIMITS_CONNECTIONSTOTAL:-100000}"
    hub_wait_ready "$hub_url" "$work/run-$run"
    echo "--- run $run of $runs: hub pid $hub_pid at $hub_url ---"
    # shellcheck disable=SC2086 # word splitting of the JVM options is intended
    java ${BENCH_JVM_OPTS:-} -jar "$SIM_JAR" commands --hub "$hub_url" \
        --password-file "$work/run-$run/store/admin-password" "${sim_args[@]}" | tee "$work/run-$run/bench.out"
    results+=("$(tail -n 1 "$work/run-$run/bench.out")")
    hub_stop
done

echo "--- median of $runs runs ---"
printf '%s\n' "${results[@]}" | awk '
    function field(line, name,   m) { return match(line, "\"" name "\":[0-9.]+") ? substr(line, RSTART + length(name) + 3, RLENGTH - length(name) - 3) + 0 : 0 }
    function median(values, n,   i, j, t) {
        for (i = 2; i <= n; i++) for (j = i; j > 1 && values[j - 1] > values[j]; j--) { t = values[j]; values[j] = values[j - 1]; values[j - 1] = t }
        return n % 2 ? values[(n + 1) / 2] : (values[n / 2] + values[n / 2 + 1]) / 2
    }
    { n++; rt[n] = field($0, "roundTripsPerS"); p50[n] = field($0, "p50Ms"); p99[n] = field($0, "p99Ms") }
    END { printf "round trips %.1f /s, p50 %.2f ms, p99 %.2f ms\n", median(rt, n), median(p50, n), median(p99, n) }'
