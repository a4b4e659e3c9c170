#!/usr/bin/env bash
# Alerts benchmark: the rooms workload (scripts/bench/peers with the hub adapter; default 200 devices x 50 readings/s,
# 20 dashboards x 10 rooms) against a hub without alert rules and against one with 1,000 rules of which 3 match each
# reading (namespace rules on its temperature, humidity and battery; the other 997 watch devices that do not report).
# The temperature rule fires on about 0.2 % of readings and the next one clears it. The two kinds of run alternate,
# RUNS times each (default 3). Prints the median hub CPU per reading of each and its growth, and the latency from a
# reading's send to its alert on a dashboard (p50/p99 over every run with rules). Everything stays under
# scripts/bench/peers/results/alerts-<stamp>/ (git-ignored).
#
#   scripts/bench-alerts.sh                                  # the default workload, 3 runs of each kind
#   RUNS=1 scripts/bench-alerts.sh --duration 10 --warmup 3  # extra options go to every run (scripts/bench/peers)
#
# Builds hub/target/hub.jar if it is missing (mvn package, never install) and runs npm ci in scripts/bench/peers if
# node_modules is missing. Runs share the machine with anything else running: check other_procs_cpu_s.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/scripts/bench/peers"
HUB_JAR="$ROOT/hub/target/hub.jar"
RUNS="${RUNS:-3}"

die() {
    echo "bench-alerts: $*" >&2
    exit 1
}

# shellcheck source=lib/bench-hub.sh
source "$ROOT/scripts/lib/bench-hub.sh"
trap hub_stop EXIT

if [[ ! -f "$HUB_JAR" ]]; then
    echo "[bench-alerts] building $HUB_JAR" >&2
    (cd "$ROOT" && mvn -B -q package -DskipTests)
fi
if [[ ! -d "$BENCH/node_modules" ]]; then
    (cd "$BENCH" && npm ci --no-audit --no-fund >&2)
fi

OUT="$BENCH/results/alerts-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"

# rules WORK: the 1,000 rules, made through the API as an operator would
rules() {
    local token
    token="$(curl -fsS -H 'Content-Type: application/json' --data "{\"username\":\"admin\",\"password\":\"$(cat \
        "$1/store/admin-password")\",\"issueToken\":true}" "$hub_url/api/login" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')"
    [[ -n "$token" ]] || die "could not sign in to make the rules"
    rule() {
        curl -fsS -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data "$1" \
            "$hub_url/api/alert-rules" || die "rule refused: $1"
    }
    rule '{"name":"hot","namespace":"default","metric":"temperature","op":">","threshold":29.97,"severity":"critical"}'
    rule '{"name":"damp","namespace":"default","metric":"humidity","op":">","threshold":1000,"severity":"warning"}'
    rule '{"name":"flat","namespace":"default","metric":"battery","op":"<","threshold":0,"severity":"info"}'
    for i in $(seq 1 997); do
        rule "{\"name\":\"elsewhere\",\"deviceId\":\"elsewhere-$i\",\"metric\":\"temperature\",\"op\":\">\",\"threshold\":$i,\"severity\":\"info\"}"
    done
}

for run in $(seq 1 "$RUNS"); do
    for kind in none rules; do
        work="$OUT/$kind-$run"
        mkdir -p "$work"
        hub_start "$work" "$HUB_JVM_RECOMMENDED" HUB_ADMIN_PASSWORDITERATIONS=1000 HUB_LIMITS_DEVICEREADINGSPERSECOND=1000000 \
            HUB_LIMITS_DEVICEBURST=1000000 HUB_LIMITS_CONNECTIONSPERADDRESS=100000 HUB_LIMITS_CONNECTIONSTOTAL=100000
        hub_wait_ready "$hub_url" "$work"
        [[ "$kind" == none ]] || rules "$work"
        echo "[bench-alerts] run $run, $kind" >&2
        NO_SERVER=1 URL="${hub_url/http/ws}" SERVER_PID="$hub_pid" \
            BENCH_HUB_ADMIN_PASSWORD_FILE="$work/store/admin-password" \
            "$BENCH/run.sh" hub --label "$kind-$run" "$@" 2>"$work/run.stderr" | tail -n 1 >"$work/result.json"
        hub_stop
    done
done

node - "$OUT" "$RUNS" <<'JS'
const fs = require('fs');
const [out, runs] = process.argv.slice(2);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const cpu = {}, loss = {}, other = {}, latencies = [];
for (const kind of ['none', 'rules']) {
  cpu[kind] = []; loss[kind] = []; other[kind] = [];
  for (let r = 1; r <= Number(runs); r++) {
    const dir = `${out}/${kind}-${r}`;
    const result = JSON.parse(fs.readFileSync(`${dir}/result.json`, 'utf8'));
    cpu[kind].push(result.server.cpu_us_per_reading);
    loss[kind].push(result.loss_pct);
    other[kind].push(result.machine.other_procs_cpu_s);
    for (const line of fs.readFileSync(`${dir}/run.stderr`, 'utf8').split('\n')) {
      const m = /alert latencies ms: (.*)$/.exec(line);
      if (m && kind === 'rules') latencies.push(...m[1].split(',').map(Number));
    }
  }
}
const growth = 100 * (median(cpu.rules) / median(cpu.none) - 1);
console.log(`hub CPU per reading, median of ${runs}: no rules ${median(cpu.none)} µs (runs ${cpu.none.join(', ')}), `
  + `1,000 rules ${median(cpu.rules)} µs (runs ${cpu.rules.join(', ')}): ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %`);
console.log(`reading -> alert on a dashboard: ${latencies.length} alerts, p50 ${pct(latencies, 0.5)} ms, `
  + `p99 ${pct(latencies, 0.99)} ms`);
console.log(`loss %: no rules ${loss.none.join(', ')}; rules ${loss.rules.join(', ')}. Other processes' CPU s: `
  + `no rules ${other.none.join(', ')}; rules ${other.rules.join(', ')}. Results: ${out}`);
JS
