# shellcheck shell=bash
# The throwaway hub of the benchmark scripts, sourced by them: loopback, any free port, its own store in a work
# folder, MQTT off, so a benchmark never touches a hub or store someone uses. The caller defines die() and HUB_JAR.

# the hub started here, and the URL of the hub benchmarked (a caller may have set it from --hub)
hub_pid="${hub_pid:-}"
hub_url="${hub_url:-}"
# the JVM options the README recommends, as a java argument file
HUB_JVM_RECOMMENDED="@$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/config/jvm.options"

# hub_start WORK JVM_OPTIONS [NAME=VALUE...]: starts the hub with its store and log (hub.log) in WORK, the JVM
# options (one string, split on spaces) and the settings given; HUB_* variables of the environment reach it too.
# Sets hub_pid and hub_url once the hub has logged its URL.
hub_start() {
    local work="$1" jvm_options="$2"
    shift 2
    (
        # the store generates its own password file; a password from the environment would not match it
        unset HUB_ADMIN_PASSWORD
        export HUB_HTTP_HOST=127.0.0.1 HUB_HTTP_PORT=0 HUB_STORE_DIR="$work/store" HUB_MQTT_MODE=off
        for setting in "$@"; do
            # shellcheck disable=SC2163 # each setting is NAME=VALUE
            export "$setting"
        done
        # shellcheck disable=SC2086 # word splitting of the JVM options is intended
        exec java $jvm_options -jar "$HUB_JAR"
    ) >"$work/hub.log" 2>&1 &
    hub_pid=$!
    hub_url=""
    for _ in $(seq 1 600); do
        kill -0 "$hub_pid" 2>/dev/null || { tail -n 30 "$work/hub.log" >&2; die "the hub exited during start"; }
        hub_url="$(grep -oE 'https?://(127\.0\.0\.1|localhost|\[::1\]):[0-9]+' "$work/hub.log" | head -n 1 || true)"
        [[ -n "$hub_url" ]] && return 0
        sleep 0.1
    done
    tail -n 30 "$work/hub.log" >&2
    die "the hub did not report its URL within 60 s"
}

# hub_wait_ready URL [WORK]: checks URL/health once; with WORK (a hub started here, which may still be starting),
# waits up to 60 s for it and then for its generated admin password file, and fails at once if that hub exits.
hub_wait_ready() {
    local url="$1" work="${2:-}" ready=0
    for _ in $(seq 1 600); do
        if curl -fsS -o /dev/null --max-time 2 "$url/health" 2>/dev/null; then
            ready=1
            break
        fi
        [[ -n "$work" ]] || break
        kill -0 "$hub_pid" 2>/dev/null || { tail -n 30 "$work/hub.log" >&2; die "the hub exited"; }
        sleep 0.1
    done
    [[ $ready == 1 ]] || die "$url/health does not answer 200; is the hub running there?"
    [[ -n "$work" ]] || return 0
    for _ in $(seq 1 100); do
        [[ -s "$work/store/admin-password" ]] && return 0
        sleep 0.1
    done
    die "the hub at $url wrote no $work/store/admin-password within 10 s"
}

# hub_stop: stops the hub started here (SIGTERM, then SIGKILL after 10 s); nothing when none runs.
hub_stop() {
    if [[ -n "$hub_pid" ]] && kill -0 "$hub_pid" 2>/dev/null; then
        kill "$hub_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$hub_pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$hub_pid" 2>/dev/null; then
            echo "the hub (pid $hub_pid) did not stop within 10 s; killing it" >&2
            kill -9 "$hub_pid" 2>/dev/null || true
        fi
        wait "$hub_pid" 2>/dev/null || true
    fi
    hub_pid=""
}

# heap_used_kb: the heap in use, in KB, from `jcmd <pid> GC.heap_info` on stdin: the sum of the generations' "used"
# figures (G1 has one, Serial and Parallel two, ZGC one in MB), without Metaspace, which is not heap.
heap_used_kb() {
    awk '/Metaspace|class space/ { next }
        match($0, /used [0-9]+[KMG]/) {
            figure = substr($0, RSTART + 5, RLENGTH - 6); unit = substr($0, RSTART + RLENGTH - 1, 1)
            kb += figure * (unit == "K" ? 1 : unit == "M" ? 1024 : 1048576); found = 1
        }
        END { if (found) print kb }'
}

# measure PID LOG: "HEAP_KB SOURCE RSS_KB THREADS" of a JVM. The heap in use is measured after a full GC (SOURCE
# "gc"); a hub that ran out of memory may not finish the GC jcmd asks for, and then its heap in use comes from jstat,
# which only reads the JVM's counters, without a forced GC (SOURCE "jstat"). "?" for what could not be read; what
# jcmd and jstat said goes to LOG.
measure() {
    local pid="$1" log="$2" heap="" source="gc" rss threads
    if timeout -k 10 120 jcmd "$pid" GC.run >>"$log" 2>&1; then
        heap="$(timeout -k 10 60 jcmd "$pid" GC.heap_info 2>>"$log" | tee -a "$log" | heap_used_kb)"
    fi
    if [[ -z "$heap" ]]; then
        source="jstat"
        heap="$(timeout -k 10 30 jstat -gc "$pid" 2>>"$log" | tee -a "$log" | awk '
            NR == 1 { for (i = 1; i <= NF; i++) column[$i] = i }
            NR == 2 && column["OU"] { printf "%d", $column["S0U"] + $column["S1U"] + $column["EU"] + $column["OU"] }')"
    fi
    rss="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)"
    threads="$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)"
    echo "${heap:-?} $source ${rss:-?} ${threads:-?}"
}

# cpu_millis PID: CPU milliseconds (user + system) of a process, from /proc (Linux); empty elsewhere.
cpu_millis() {
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
    stat="${stat##*) }"
    # shellcheck disable=SC2086 # split the fields after the command name
    set -- $stat
    echo $(((${12} + ${13}) * 1000 / $(getconf CLK_TCK)))
}
