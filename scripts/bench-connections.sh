#!/usr/bin/env bash
# Connections benchmark: how many device WebSockets one hub holds, and what each one costs the hub.
#
#   scripts/bench-connections.sh [--runs N] [connections options]
#
# Each run starts a throwaway hub (java @config/jvm.options plus BENCH_HUB_JVM_OPTS; loopback, free port, temporary store,
# MQTT off), measures it idle (0 connections, right after the start), runs the simulator's `connections` benchmark
# against it (default: 15,000 devices opened at 500/s, each sending one reading every 10 s ± 1 s, all acked, 60 s
# measured after the ramp), measures the hub again while the simulator holds the sockets open, and stops it.
# Heap is measured after a full GC (jcmd GC.run, then GC.heap_info), RSS and threads from /proc/<pid>/status;
# per connection, both in total and over the idle baseline.
#
# Options:
#   --runs N (1)   runs, each with a fresh hub; with more than one, the median of each figure follows the runs
#   the rest goes to the simulator (java -jar device-simulator/target/device-simulator.jar connections --help):
#   --devices N (15000) --ramp R (500/s) --interval-ms MS (10000) --jitter-ms MS (1000) --duration S (60)
#   --drain S (15) --concurrency C (32 requests in flight while provisioning and connecting) --max-failures K (200)
#
# Examples:
#   scripts/bench-connections.sh                                # 15,000 connections, one run
#   scripts/bench-connections.sh --runs 3                       # three runs and their medians
#   scripts/bench-connections.sh --devices 2000 --duration 20   # a quick look
#
# The hub's connection limits (limits.connectionsTotal, limits.connectionsPerAddress,
# limits.pendingUpgradesPerAddress; every device connects from 127.0.0.1) default to --devices + 1000 here; any HUB_* variable set in the environment reaches the hub and wins.
# The script raises its open-files limit (ulimit -n), which the hub and the simulator inherit, to what the sockets
# need, as far as the hard limit allows. Also read: BENCH_HUB_JVM_OPTS (more hub JVM options; a later -Xmx wins),
# BENCH_JVM_OPTS (the simulator's JVM options), BENCH_KEEP=1 (keep each run's hub store and log; they are kept
# anyway when a run fails or the hub logs an OutOfMemoryError). Needs Linux (/proc), a JDK 17 (java, jcmd) and curl.
# Exits 1 when a run did not hold every connection with every reading acked; its causes (refusals by HTTP status and
# error code, sockets the hub closed, OutOfMemoryErrors and warnings in the hub's log) are printed with it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HUB_JAR="$ROOT/hub/target/hub.jar"
SIM_JAR="$ROOT/device-simulator/target/device-simulator.jar"
# how long the simulator holds the sockets for the measurement at most; the script releases them as soon as it is done
HOLD_SECONDS=600

die() {
    echo "bench-connections: $*" >&2
    exit 1
}

runs=1
devices=15000
keep_devices=0
sim_args=()
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    arg="${args[$i]}"
    case "$arg" in
        --runs) runs="${args[$((i + 1))]:-}"; i=$((i + 1)); continue ;;
        --runs=*) runs="${arg#--runs=}"; continue ;;
        --devices) devices="${args[$((i + 1))]:-}" ;;
        --devices=*) devices="${arg#--devices=}" ;;
        --keep-devices) keep_devices=1 ;;
        --hub | --hub=* | --password* | --hold | --hold=*)
            die "$arg is not for this script: it benchmarks the hub it starts and holds the sockets itself (for " \
                "another hub, run the simulator's connections command directly)"
            ;;
        -h | --help)
            sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
            exit 0
            ;;
    esac
    sim_args+=("$arg")
done
[[ "$runs" =~ ^[1-9][0-9]?$ ]] || die "--runs must be 1 … 99, but was '$runs'"
[[ "$devices" =~ ^[1-9][0-9]*$ ]] || die "--devices must be a positive whole number, but was '$devices'"
[[ $keep_devices == 1 ]] || sim_args+=(--keep-devices) # the store is thrown away: deleting 15,000 devices is wasted time

[[ -r /proc/self/status ]] || die "this benchmark reads /proc/<pid>/status (Linux only)"
for tool in java jcmd curl timeout; do
    command -v "$tool" >/dev/null || die "$tool is not on the PATH (a JDK 17 with jcmd, curl and coreutils are needed)"
done

if [[ ! -f "$SIM_JAR" || ! -f "$HUB_JAR" ]]; then
    echo "bench-connections: building the jars (mvn -B -q install -DskipTests)" >&2
    (cd "$ROOT" && mvn -B -q install -DskipTests) || die "the build failed"
fi

# Every socket is a file descriptor in the hub and another in the simulator, and each of them inherits this limit.
files_needed=$((devices + 1024))
files_soft="$(ulimit -Sn)"
files_hard="$(ulimit -Hn)"
if [[ "$files_soft" != unlimited && "$files_soft" -lt $files_needed ]]; then
    if [[ "$files_hard" == unlimited || "$files_hard" -ge $files_needed ]]; then
        ulimit -n "$files_needed"
    else
        ulimit -n "$files_hard"
        echo "bench-connections: the open-files hard limit ($files_hard) is below the $files_needed that $devices" \
            "sockets need; expect failed connections (raise it, e.g. in /etc/security/limits.conf)" >&2
    fi
fi
connections_limit=$((devices + 1000))
limits=(
    HUB_LIMITS_CONNECTIONSTOTAL="${HUB_LIMITS_CONNECTIONSTOTAL:-$connections_limit}"
    HUB_LIMITS_CONNECTIONSPERADDRESS="${HUB_LIMITS_CONNECTIONSPERADDRESS:-$connections_limit}"
    HUB_LIMITS_PENDINGUPGRADESPERADDRESS="${HUB_LIMITS_PENDINGUPGRADESPERADDRESS:-$connections_limit}"
)

# shellcheck source=scripts/lib/bench-hub.sh
source "$ROOT/scripts/lib/bench-hub.sh"
hub_jvm_options="$HUB_JVM_RECOMMENDED${BENCH_HUB_JVM_OPTS:+ $BENCH_HUB_JVM_OPTS}"

work="$(mktemp -d "${TMPDIR:-/tmp}/bench-connections.XXXXXX")"
sim_pid=""
keep="${BENCH_KEEP:-0}"
cleanup() {
    local status=$?
    exec 3>&-
    if [[ -n "$sim_pid" ]] && kill -0 "$sim_pid" 2>/dev/null; then
        kill "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
    fi
    hub_stop
    if [[ "$keep" == 1 || $status -ne 0 ]]; then
        echo "bench-connections: kept the hubs' stores and logs in $work" >&2
    else
        rm -rf "$work"
    fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# json_number FILE KEY: a number from the simulator's JSON line, "?" when it is missing or null.
json_number() {
    local value
    value="$(grep '^{"bench":"connections"' "$1" 2>/dev/null | grep -oE "\"$2\":-?[0-9.]+" | head -n 1 | cut -d: -f2)"
    echo "${value:-?}"
}

# per KB COUNT [BASE_KB]: (KB - BASE_KB) / COUNT with one decimal, "?" when a figure is missing.
per() {
    local kb="$1" count="$2" base="${3:-0}"
    if [[ "$kb" == "?" || "$base" == "?" || "$count" == "?" || "$count" == 0 ]]; then
        echo "?"
    else
        awk -v kb="$kb" -v n="$count" -v b="$base" 'BEGIN { printf "%.1f", (kb - b) / n }'
    fi
}

# print_figures FILE TITLE: one run's (or the medians') figures, read from "key value" lines.
print_figures() {
    local file="$1" title="$2"
    awk -v title="$title" '
        { f[$1] = $2 }
        function mb(kb) { return kb == "?" ? "?" : sprintf("%.1f MB", kb / 1024) }
        function heap(kb, source) {
            return mb(kb) (source == "gc" ? "" : " (from jstat: the full GC jcmd asked for did not finish in 120 s)")
        }
        function kb(v) { return v == "?" ? "?" : v " KB" }
        END {
            print "--- " title " ---"
            printf "  %-24s %s (the hub counts %s; %s failed to open)\n", "connections open", f["connections_held"],
                f["hub_connections"], f["connections_failed"]
            printf "  %-24s %s sent, %s acked, %s unacked\n", "readings", f["readings_sent"], f["readings_acked"],
                f["readings_unacked"]
            printf "  %-24s p50 %s  p99 %s\n", "ack latency ms", f["ack_p50_ms"], f["ack_p99_ms"]
            printf "  %-24s %s (idle: %s)\n", "hub heap after full GC", heap(f["heap_kb"], f["heap_source"]),
                heap(f["heap_idle_kb"], f["heap_idle_source"])
            printf "  %-24s %s (idle: %s)\n", "hub RSS", mb(f["rss_kb"]), mb(f["rss_idle_kb"])
            printf "  %-24s %s (idle: %s)\n", "hub threads", f["threads"], f["threads_idle"]
            printf "  %-24s %s heap, %s RSS\n", "per connection", kb(f["heap_per_conn_kb"]), kb(f["rss_per_conn_kb"])
            printf "  %-24s %s heap, %s RSS\n", "  over the idle hub", kb(f["heap_per_conn_over_idle_kb"]),
                kb(f["rss_per_conn_over_idle_kb"])
            printf "  %-24s provisioning %s s, ramp %s s\n", "setup", f["provision_s"], f["ramp_s"]
        }' "$file"
}

# hub_log_findings LOG: what in the hub's log explains refusals or failures: OutOfMemoryErrors and warnings by event.
hub_log_findings() {
    local log="$1" oom
    oom="$(grep -c 'OutOfMemoryError' "$log" || true)"
    if [[ "$oom" -gt 0 ]]; then
        keep=1
        echo "  hub log: $oom lines name an OutOfMemoryError, the first:"
        grep -m 3 'OutOfMemoryError' "$log" | sed 's/^/    /'
    fi
    grep -oE '(WARN|ERROR) +[^ ]+ event=[a-z_]+' "$log" | awk '{ print $1, $3 }' | sort | uniq -c \
        | sed 's/^/  hub log: /' || true
}

# run_once N: one run with a fresh hub; its figures go to $work/run-N/figures.
run_once() {
    local run="$1" dir="$work/run-$1" status=0
    local idle_heap idle_source idle_rss idle_threads heap source rss threads held hub_connections="?"
    mkdir -p "$dir"
    hub_start "$dir" "$hub_jvm_options" "${limits[@]}"
    hub_wait_ready "$hub_url" "$dir"
    echo "bench-connections: run $run of $runs: hub pid $hub_pid at $hub_url ($hub_jvm_options, ${limits[*]}," \
        "open files $(ulimit -n))" >&2
    read -r idle_heap idle_source idle_rss idle_threads <<<"$(measure "$hub_pid" "$dir/jcmd.log")"

    # The simulator holds the sockets until a line or the end of its standard input: a FIFO this shell writes to.
    mkfifo "$dir/hold"
    # shellcheck disable=SC2086 # word splitting of the JVM options is intended
    java ${BENCH_JVM_OPTS:-} -jar "$SIM_JAR" connections --hub "$hub_url" \
        --password-file "$dir/store/admin-password" --hold "$HOLD_SECONDS" "${sim_args[@]}" \
        <"$dir/hold" >"$dir/simulator.out" &
    sim_pid=$!
    exec 3>"$dir/hold"
    # bounded by the simulator, whose every phase is; the cap only guards against a simulator that hangs
    for _ in $(seq 1 14400); do
        grep -q '^holding ' "$dir/simulator.out" && break
        kill -0 "$sim_pid" 2>/dev/null || break
        sleep 1
    done
    if grep -q '^holding ' "$dir/simulator.out" && kill -0 "$hub_pid" 2>/dev/null; then
        read -r heap source rss threads <<<"$(measure "$hub_pid" "$dir/jcmd.log")"
        hub_connections="$(curl -fsS --max-time 10 "$hub_url/metrics" 2>/dev/null \
            | awk '/^hub_connections_devices / { printf "%d", $2 }' || true)"
    else
        heap="?" source="gc" rss="?" threads="?"
    fi
    exec 3>&-
    wait "$sim_pid" || status=$?
    sim_pid=""
    grep -v '^holding ' "$dir/simulator.out" || true
    if ! kill -0 "$hub_pid" 2>/dev/null; then
        echo "  the hub exited during the run; the end of its log:"
        tail -n 20 "$dir/hub.log" | sed 's/^/    /'
        status=1
    fi
    hub_stop
    hub_log_findings "$dir/hub.log"

    held="$(json_number "$dir/simulator.out" connectionsHeld)"
    {
        echo "connections_held $held"
        echo "hub_connections ${hub_connections:-?}"
        echo "connections_failed $(json_number "$dir/simulator.out" connectionsFailed)"
        echo "readings_sent $(json_number "$dir/simulator.out" readingsSent)"
        echo "readings_acked $(json_number "$dir/simulator.out" readingsAcked)"
        echo "readings_unacked $(json_number "$dir/simulator.out" readingsUnacked)"
        echo "ack_p50_ms $(json_number "$dir/simulator.out" ackP50Ms)"
        echo "ack_p99_ms $(json_number "$dir/simulator.out" ackP99Ms)"
        echo "heap_idle_kb $idle_heap"
        echo "heap_idle_source $idle_source"
        echo "heap_kb $heap"
        echo "heap_source $source"
        echo "rss_idle_kb $idle_rss"
        echo "rss_kb $rss"
        echo "threads_idle $idle_threads"
        echo "threads $threads"
        echo "heap_per_conn_kb $(per "$heap" "$held")"
        echo "rss_per_conn_kb $(per "$rss" "$held")"
        echo "heap_per_conn_over_idle_kb $(per "$heap" "$held" "$idle_heap")"
        echo "rss_per_conn_over_idle_kb $(per "$rss" "$held" "$idle_rss")"
        echo "provision_s $(json_number "$dir/simulator.out" provisionS)"
        echo "ramp_s $(json_number "$dir/simulator.out" rampS)"
    } >"$dir/figures"
    print_figures "$dir/figures" "run $run of $runs: the hub ($hub_jvm_options) idle and holding the connections"
    verdict "$dir/figures" || status=1
    [[ $status -eq 0 ]] || keep=1
    return $status
}

# verdict FILE: whether the hub held the workload: every device connected and every reading acked.
verdict() {
    awk -v devices="$devices" '
        { f[$1] = $2 }
        END {
            if (f["connections_held"] == devices && f["connections_failed"] == 0 && f["readings_unacked"] == 0 \
                && f["readings_sent"] > 0) {
                printf "  %-24s held all %d connections, every reading acked\n", "verdict", devices
                exit 0
            }
            printf "  %-24s the hub did not hold the workload: %s of %d connections held, %s failed to open, " \
                "%s readings unacked (see above for the causes)\n", "verdict", f["connections_held"], devices,
                f["connections_failed"], f["readings_unacked"]
            exit 1
        }' "$1"
}

failed=0
for run in $(seq 1 "$runs"); do
    run_once "$run" || failed=1
done

if [[ $runs -gt 1 ]]; then
    # the median of each figure over the runs that have it (an even count takes the mean of the middle two)
    # (a word such as a heap figure's source is kept when every run has the same, else they are joined by "/")
    cat "$work"/run-*/figures | awk '
        !($1 in seen) { seen[$1] = 1; order[++keys] = $1 }
        $2 ~ /^-?[0-9.]+$/ { n[$1]++; v[$1, n[$1]] = $2 + 0; next }
        $2 != "?" && index("/" words[$1] "/", "/" $2 "/") == 0 { words[$1] = words[$1] (words[$1] == "" ? "" : "/") $2 }
        END {
            for (k = 1; k <= keys; k++) {
                key = order[k]; c = n[key]
                if (key in words) { print key, words[key]; continue }
                if (c == 0) { print key, "?"; continue }
                for (i = 1; i <= c; i++) s[i] = v[key, i]
                for (i = 2; i <= c; i++) { x = s[i]; for (j = i - 1; j >= 1 && s[j] > x; j--) s[j + 1] = s[j]; s[j + 1] = x }
                print key, c % 2 ? s[(c + 1) / 2] : (s[c / 2] + s[c / 2 + 1]) / 2
            }
        }' >"$work/median"
    print_figures "$work/median" "median of $runs runs"
fi
exit $failed
