#!/usr/bin/env bash
# Ingest benchmark: durable readings/s and ack latency of the hub over /ws/device.
#
#   scripts/bench-ingest.sh [bench options]                 # starts a throwaway hub, benchmarks it, stops it
#   scripts/bench-ingest.sh --hub URL --password-file F ... # benchmarks a hub that is already running
#
# Bench options (see `java -jar device-simulator/target/device-simulator.jar bench --help`):
#   --devices N (50) --batch B (100) --duration S (20) --warmup S (60 here) --rate R (0 = as fast as acks allow)
#   --window W (8, frames in flight per device when --rate 0)
#
# Examples:
#   scripts/bench-ingest.sh --devices 50 --batch 100                 # max throughput
#   scripts/bench-ingest.sh --devices 100 --batch 10 --rate 10000    # latency at a fixed offered rate
#
# Without --hub, the script builds the jars if they are missing (mvn -B -q install -DskipTests), starts the hub on a
# free port with a temporary store and raised per-device rate limits, waits for /health, runs the benchmark and
# stops the hub again. Any HUB_* variable set in the environment reaches that hub (e.g. HUB_INGEST_COMMITBATCHREADINGS).
# Also read: BENCH_HUB_JVM_OPTS (JVM options for the hub, e.g. JFR), BENCH_JVM_OPTS (for the load generator),
# BENCH_KEEP=1 (keep the temporary store and hub log). At the end it prints the hub's /metrics lines for
# hub_commit_batch_readings, hub_commit_duration, hub_ack_latency and hub_store_flush (entries and time a table flush).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HUB_JAR="$ROOT/hub/target/hub.jar"
SIM_JAR="$ROOT/device-simulator/target/device-simulator.jar"

die() {
    echo "bench-ingest: $*" >&2
    exit 1
}

hub_url=""
has_password=0
# measured once the JIT settles: for its first minute the hub's and the generator's compilers take about half of the
# two cores, and a 5 s warm-up measured that (with it, 1,000 devices of single readings gave 20,788-26,183/s where
# the settled hub gives over 30,000/s); --warmup 5 shows the cold figure
warmup=(--warmup 60)
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[$i]}" in
        --hub) hub_url="${args[$((i + 1))]:-}" ;;
        --hub=*) hub_url="${args[$i]#--hub=}" ;;
        --password | --password=* | --password-file | --password-file=*) has_password=1 ;;
        --warmup | --warmup=*) warmup=() ;;
        -h | --help)
            sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
            exit 0
            ;;
    esac
done
hub_url="${hub_url%/}"

command -v java >/dev/null || die "java is not on the PATH (JDK 17 needed)"
command -v curl >/dev/null || die "curl is not on the PATH (used for /health and /metrics)"

if [[ ! -f "$SIM_JAR" || (-z "$hub_url" && ! -f "$HUB_JAR") ]]; then
    echo "bench-ingest: building the jars (mvn -B -q install -DskipTests)" >&2
    (cd "$ROOT" && mvn -B -q install -DskipTests) || die "the build failed"
fi

# shellcheck source=scripts/lib/bench-hub.sh
source "$ROOT/scripts/lib/bench-hub.sh"

work=""
cleanup() {
    local status=$?
    hub_stop
    if [[ -n "$work" ]]; then
        if [[ "${BENCH_KEEP:-0}" == 1 || $status -ne 0 ]]; then
            echo "bench-ingest: kept the hub's store and log in $work" >&2
        else
            rm -rf "$work"
        fi
    fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

extra=()
if [[ -z "$hub_url" ]]; then
    [[ $has_password -eq 0 ]] || die "--password/--password-file only go with --hub: the script's own hub generates its password"
    work="$(mktemp -d "${TMPDIR:-/tmp}/bench-ingest.XXXXXX")"
    # per-device and per-address limits out of the way: the defaults (100 readings/s with a burst of 1000, 20
    # tickets then 1 a second, 64 upgrades in progress and a cap of connections per address) are for real devices,
    # not for a benchmark whose devices all connect at once from one address
    hub_start "$work" "$HUB_JVM_RECOMMENDED${BENCH_HUB_JVM_OPTS:+ $BENCH_HUB_JVM_OPTS}" \
        HUB_LIMITS_DEVICEREADINGSPERSECOND="${HUB_LIMITS_DEVICEREADINGSPERSECOND:-10000000}" \
        HUB_LIMITS_DEVICEBURST="${HUB_LIMITS_DEVICEBURST:-10000000}" \
        HUB_LIMITS_DEVICETICKETBURST="${HUB_LIMITS_DEVICETICKETBURST:-10000000}" \
        HUB_LIMITS_DEVICETICKETSPERSECOND="${HUB_LIMITS_DEVICETICKETSPERSECOND:-10000000}" \
        HUB_LIMITS_PENDINGUPGRADESPERADDRESS="${HUB_LIMITS_PENDINGUPGRADESPERADDRESS:-1000000}" \
        HUB_LIMITS_CONNECTIONSPERADDRESS="${HUB_LIMITS_CONNECTIONSPERADDRESS:-1000000}" \
        HUB_LIMITS_CONNECTIONSTOTAL="${HUB_LIMITS_CONNECTIONSTOTAL:-1000000}"
    echo "bench-ingest: hub pid $hub_pid at $hub_url (store and log in $work)" >&2
    hub_wait_ready "$hub_url" "$work"
    extra=(--hub "$hub_url" --password-file "$work/store/admin-password")
else
    hub_wait_ready "$hub_url"
fi

hub_cpu_start=""
[[ -z "$hub_pid" ]] || hub_cpu_start="$(cpu_millis "$hub_pid")"
started_ms="$(date +%s%3N)"
set +e
# shellcheck disable=SC2086 # word splitting of the JVM options is intended
java ${BENCH_JVM_OPTS:-} -jar "$SIM_JAR" bench "${extra[@]}" "${warmup[@]}" "$@"
bench_status=$?
set -e
if [[ -n "$hub_cpu_start" ]]; then
    hub_cpu_end="$(cpu_millis "$hub_pid")"
    elapsed_ms=$(($(date +%s%3N) - started_ms))
    if [[ -n "$hub_cpu_end" && $elapsed_ms -gt 0 ]]; then
        awk -v c=$((hub_cpu_end - hub_cpu_start)) -v t="$elapsed_ms" -v n="$(nproc 2>/dev/null || echo '?')" \
            'BEGIN { printf "--- hub process CPU during the bench: %.2f cores on average over %.1f s (machine: %s cores) ---\n", c / t, t / 1000, n }'
    fi
fi

echo "--- hub /metrics (commit batches, commit time, ack latency, table flushes) ---"
if metrics="$(curl -fsS --max-time 10 "$hub_url/metrics")"; then
    grep -E '^hub_(commit_batch_readings|commit_duration|ack_latency|store_flush)' <<<"$metrics" || echo "(no such lines)"
else
    echo "(could not read $hub_url/metrics)"
fi

if [[ -n "$work" ]]; then
    # the store's files against the bytes of the readings they hold (seq, ts, offset and storage time as 8 bytes
    # each, the metrics as their JSON text), while the hub runs and after its clean stop
    running_bytes="$(du -sb "$work/store" | cut -f1)"
    hub_stop
    stopped_bytes="$(du -sb "$work/store" | cut -f1)"
    if counted="$(java -cp "$HUB_JAR" org.telemetryhub.hub.store.StoredBytes "jdbc:h2:file:$work/store/hub" 2>&1)"; then
        read -r readings reading_bytes <<<"$counted"
        awk -v r="$readings" -v b="$reading_bytes" -v run="$running_bytes" -v stop="$stopped_bytes" 'BEGIN {
            printf "--- store: %d readings holding %.1f MB; files %.1f MB while running (%.1f x), %.1f MB after a clean stop (%.1f x) ---\n",
                r, b / 1e6, run / 1e6, run / b, stop / 1e6, stop / b }'
    else
        echo "(could not count the stored readings: $counted)"
    fi
fi
exit $bench_status
