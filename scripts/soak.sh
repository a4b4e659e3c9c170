#!/usr/bin/env bash
# Soak: a hub under steady load for a long time, sampled as it goes, to show that its memory, threads, open files and
# store level off instead of growing with time.
#
#   scripts/soak.sh [--duration S] [--every S] [--devices N] [--rate R] [--tickets R] [--ticket-devices N]
#
# Starts a throwaway hub (java @config/jvm.options plus BENCH_HUB_JVM_OPTS; loopback, free port, temporary store, MQTT off) and
# runs two loads against it for --duration seconds:
#   - the simulator's devices (run --verify): --devices N (200) over WebSocket, each sending --rate R (2) readings/s;
#     at the end every reading must be acked and stored exactly once;
#   - the simulator's tickets command: --tickets R (1000) ticket requests/s, round robin over --ticket-devices N
#     (2000) devices of their own (each ticket stays in the store until it is used up or expires and is purged).
# Every --every seconds (60) it samples the hub: heap after a full GC (jcmd), threads and open file descriptors
# (/proc), the bytes under its store.dir (du), the readings stored and the tickets the store holds (/metrics); at
# the end it prints the samples as a table, and the loads' own summaries.
#
# Options:
#   --duration S (1800)     seconds of load
#   --every S (60)          seconds between samples (the first is taken before the load starts)
#   --devices N (200)       reading devices          --rate R (2)                  readings/s per device
#   --tickets R (1000)      ticket requests/s        --ticket-devices N (2000)     devices they are spread over
#
# Examples:
#   scripts/soak.sh                                # 30 minutes, the figures the README quotes
#   scripts/soak.sh --duration 120 --every 20      # a quick look
#
# Also read: BENCH_HUB_JVM_OPTS (more hub JVM options), BENCH_JVM_OPTS (the simulator's), BENCH_KEEP=1 (keep the
# hub's store and log; they are kept anyway when the soak fails). Needs Linux (/proc), a JDK 17 (java, jcmd) and curl.
# Exits 1 when the hub exits, or when the devices lost, duplicated or left unanswered a reading.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HUB_JAR="$ROOT/hub/target/hub.jar"
SIM_JAR="$ROOT/device-simulator/target/device-simulator.jar"

die() {
    echo "soak: $*" >&2
    exit 1
}

duration=1800
every=60
devices=200
rate=2
tickets=1000
ticket_devices=2000
while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) duration="${2:-}"; shift ;;
        --every) every="${2:-}"; shift ;;
        --devices) devices="${2:-}"; shift ;;
        --rate) rate="${2:-}"; shift ;;
        --tickets) tickets="${2:-}"; shift ;;
        --ticket-devices) ticket_devices="${2:-}"; shift ;;
        -h | --help)
            sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
    shift
done
for value in "$duration" "$every" "$devices" "$tickets" "$ticket_devices"; do
    [[ "$value" =~ ^[1-9][0-9]*$ ]] || die "--duration, --every, --devices, --tickets and --ticket-devices must be" \
        "positive whole numbers, but one was '$value'"
done
[[ "$rate" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--rate must be a number of readings/s, but was '$rate'"

[[ -r /proc/self/status ]] || die "the soak reads /proc/<pid>/status and /proc/<pid>/fd (Linux only)"
for tool in java jcmd curl du timeout; do
    command -v "$tool" >/dev/null || die "$tool is not on the PATH (a JDK 17 with jcmd, curl and coreutils are needed)"
done
if [[ ! -f "$SIM_JAR" || ! -f "$HUB_JAR" ]]; then
    echo "soak: building the jars (mvn -B -q package -DskipTests)" >&2
    (cd "$ROOT" && mvn -B -q package -DskipTests) || die "the build failed"
fi

# shellcheck source=scripts/lib/bench-hub.sh
source "$ROOT/scripts/lib/bench-hub.sh"

work="$(mktemp -d "${TMPDIR:-/tmp}/soak.XXXXXX")"
load_pids=()
keep="${BENCH_KEEP:-0}"
cleanup() {
    local status=$?
    for pid in "${load_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    hub_stop
    if [[ "$keep" == 1 || $status -ne 0 ]]; then
        echo "soak: kept the hub's store and log in $work" >&2
    else
        rm -rf "$work"
    fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# sample ELAPSED_S: one table row: elapsed time, heap after a full GC, threads, open fds, store size, readings
# stored, tickets held.
sample() {
    local heap source rss threads fds store metrics accepted held
    read -r heap source rss threads <<<"$(measure "$hub_pid" "$work/jcmd.log")"
    fds="$(find "/proc/$hub_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
    store="$(du -sb "$work/store" 2>/dev/null | cut -f1)"
    metrics="$(curl -fsS --max-time 10 "$hub_url/metrics" 2>/dev/null || true)"
    accepted="$(awk '/^hub_readings_accepted_total / { printf "%d", $2 }' <<<"$metrics")"
    held="$(awk '/^hub_store_tickets / { printf "%d", $2 }' <<<"$metrics")"
    awk -v t="$1" -v heap="$heap" -v source="$source" -v threads="$threads" -v fds="$fds" -v store="$store" \
        -v accepted="${accepted:-?}" -v held="${held:-?}" 'BEGIN {
            printf "%8.1f  %10s  %7s  %6s  %9s  %12s  %10s\n", t / 60,
                heap == "?" ? "?" : sprintf("%.1f%s", heap / 1024, source == "gc" ? "" : "*"), threads, fds,
                sprintf("%.1f", store / 1048576), accepted, held
        }'
}

hub_start "$work" "$HUB_JVM_RECOMMENDED${BENCH_HUB_JVM_OPTS:+ $BENCH_HUB_JVM_OPTS}"
hub_wait_ready "$hub_url" "$work"
echo "soak: hub pid $hub_pid at $hub_url; $devices devices x $rate readings/s and $tickets tickets/s over" \
    "$ticket_devices devices for $duration s, sampled every $every s" >&2

{
    echo "heap: MB in use after a full GC (* from jstat: the GC did not finish); store: MB under store.dir"
    printf "%8s  %10s  %7s  %6s  %9s  %12s  %10s\n" minutes "heap MB" threads fds "store MB" "readings" "tickets"
    sample 0
} >"$work/table"

# shellcheck disable=SC2086 # word splitting of the JVM options is intended
java ${BENCH_JVM_OPTS:-} -jar "$SIM_JAR" run --hub "$hub_url" --password-file "$work/store/admin-password" \
    --devices "$devices" --rate "$rate" --transport ws --duration "$duration" --verify \
    >"$work/devices.out" 2>&1 &
load_pids+=($!)
# shellcheck disable=SC2086
java ${BENCH_JVM_OPTS:-} -jar "$SIM_JAR" tickets --hub "$hub_url" --password-file "$work/store/admin-password" \
    --devices "$ticket_devices" --rate "$tickets" --duration "$duration" --report "$every" \
    >"$work/tickets.out" 2>&1 &
load_pids+=($!)

started=$SECONDS
next=$every
while kill -0 "${load_pids[0]}" 2>/dev/null || kill -0 "${load_pids[1]}" 2>/dev/null; do
    kill -0 "$hub_pid" 2>/dev/null || { tail -n 30 "$work/hub.log" >&2; die "the hub exited during the soak"; }
    if ((SECONDS - started >= next)); then
        sample "$((SECONDS - started))" >>"$work/table"
        next=$((next + every))
    fi
    sleep 1
done
sample "$((SECONDS - started))" >>"$work/table"

status=0
wait "${load_pids[0]}" || status=$?
wait "${load_pids[1]}" || true
load_pids=()
echo "--- the hub over time ---"
cat "$work/table"
echo "--- devices (simulator run --verify) ---"
tail -n 25 "$work/devices.out"
echo "--- tickets ---"
grep -v '^tickets: ' "$work/tickets.out" | tail -n 5
echo "--- the hub's warnings, by event ---"
grep -oE '(WARN|ERROR) +[^ ]+ event=[a-z_]+' "$work/hub.log" | awk '{ print $1, $3 }' | sort | uniq -c || true
[[ $status == 0 ]] || die "the devices' check failed (exit $status): see above"
