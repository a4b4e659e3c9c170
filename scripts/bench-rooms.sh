#!/usr/bin/env bash
# Peer benchmark of the hub's live rooms: the hub against Socket.IO (with its in-memory ring store), a raw `ws`
# rooms server and Mosquitto QoS 1, on one workload (default: 200 devices x 50 readings/s = 10 000 readings/s,
# 20 dashboards x 10 rooms, 60 s warm-up, 20 s measured), one after the other on this machine. Prints one summary
# table; the JSON lines, server logs and the hub's last /metrics scrape stay under
# scripts/bench/peers/results/rooms-<stamp>/ (git-ignored).
#
#   scripts/bench-rooms.sh                         # the default workload, steady mode
#   scripts/bench-rooms.sh --duration 10 --warmup 3  # extra options go to every run (see scripts/bench/peers/README.md)
#   MAX=1 scripts/bench-rooms.sh                   # also the --mode max ramp for the hub and Socket.IO
#   PEERS="hub wsraw" scripts/bench-rooms.sh       # a subset (hub socketio wsraw mqtt)
#
# Builds hub/target/hub.jar if it is missing (mvn package, never install) and runs npm ci in scripts/bench/peers if
# node_modules is missing. KEEP_STORE=1 keeps the hub's H2 store of each run (about 1 KB per reading).
# Mosquitto (apt-get install mosquitto) is optional: without it the mqtt run is skipped.
# Runs are sequential and share the machine with anything else running: check other_procs_cpu_s in the table.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/scripts/bench/peers"
JAR="$ROOT/hub/target/hub.jar"
PEERS="${PEERS:-hub socketio wsraw mqtt}"
# Every server is measured after a minute of the workload: the hub's JIT compilers take about a core of the two for
# its first half minute (what a long-running hub pays once, not per reading); --warmup 5 gives the cold figures.
if [[ " $* " != *" --warmup "* ]]; then
  set -- --warmup 60 "$@"
fi

if [[ ! -f "$JAR" ]]; then
  echo "[bench-rooms] building $JAR" >&2
  (cd "$ROOT" && mvn -B -q package -DskipTests)
fi
if [[ ! -d "$BENCH/node_modules" ]]; then
  echo "[bench-rooms] npm ci in $BENCH" >&2
  (cd "$BENCH" && npm ci --no-audit --no-fund >&2)
fi

OUT="$BENCH/results/rooms-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
LINES="$OUT/results.jsonl"
: >"$LINES"

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# run LABEL ADAPTER [options...]: one run.sh, its JSON line appended (with our label) to results.jsonl
run() {
  local label="$1" adapter="$2"; shift 2
  local line rc=0 port="" scraper=""
  echo "[bench-rooms] $label: run.sh $adapter $*" >&2
  if [[ "$adapter" == hub ]]; then
    # keep the hub's /metrics as of the end of the run (scraped every 2 s; a scrape is a few ms of hub CPU)
    port="$(free_port)"
    ( while sleep 2; do
        curl -sf "http://127.0.0.1:$port/metrics" -o "$OUT/$label.metrics.tmp" 2>/dev/null \
          && mv "$OUT/$label.metrics.tmp" "$OUT/$label.metrics.txt"
      done ) &
    scraper=$!
  fi
  line="$(PORT="$port" "$BENCH/run.sh" "$adapter" --label "$label" "$@" 2>"$OUT/$label.stderr" | tail -n 1)" || rc=$?
  if [[ -n "$scraper" ]]; then kill "$scraper" 2>/dev/null || true; wait "$scraper" 2>/dev/null || true; fi
  [[ -n "$line" ]] || line="{\"label\":\"$label\",\"adapter\":\"$adapter\",\"error\":\"run.sh exited $rc without a result (see $label.stderr)\"}"
  echo "$line" >>"$LINES"
  # keep the server log next to the table (run.sh's newest results/<stamp>-ADAPTER folder is this run's)
  local dir
  dir="$(ls -td "$BENCH/results/"*-"$adapter" 2>/dev/null | head -n 1 || true)"
  if [[ -n "$dir" && -f "$dir/server.log" ]]; then cp "$dir/server.log" "$OUT/$label.server.log"; fi
  # the hub's H2 store of a 30 s run is ~0.5-1 GB; drop it unless KEEP_STORE=1
  if [[ -n "$dir" && -d "$dir/store" && -z "${KEEP_STORE:-}" ]]; then rm -rf "$dir/store"; fi
}

for peer in $PEERS; do
  case "$peer" in
    hub)      run hub hub "$@" ;;
    socketio) SERVER_EXTRA="--store ring" run socketio-ring socketio "$@" ;;
    wsraw)    run wsraw wsraw "$@" ;;
    mqtt)
      if command -v mosquitto >/dev/null || [[ -x /usr/sbin/mosquitto ]]; then run mqtt-qos1 mqtt --qos 1 "$@"
      else echo "[bench-rooms] mosquitto not installed: mqtt skipped" >&2; fi ;;
    *) echo "[bench-rooms] unknown peer $peer (hub socketio wsraw mqtt)" >&2; exit 2 ;;
  esac
done
if [[ -n "${MAX:-}" ]]; then
  for peer in $PEERS; do
    case "$peer" in
      hub)      run hub-max hub --mode max "$@" ;;
      socketio) SERVER_EXTRA="--store ring" run socketio-ring-max socketio --mode max "$@" ;;
    esac
  done
fi

node - "$LINES" <<'JS'
const fs = require('fs');
const rows = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => {
  try { return JSON.parse(l); } catch (e) { return { error: 'unparsable line: ' + l.slice(0, 80) }; }
});
const f = (x, d = 1) => (x == null ? '-' : typeof x === 'number' ? x.toFixed(d) : String(x));
const table = (head, body) => {
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => String(r[i]).length)));
  const line = (r) => '| ' + r.map((c, i) => String(c).padEnd(w[i])).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + w.map((n) => '-'.repeat(n + 2)).join('|') + '|');
  body.forEach((r) => console.log(line(r)));
};
const steady = rows.filter((r) => r.mode !== 'max');
const max = rows.filter((r) => r.mode === 'max');
if (steady.length) {
  const r0 = steady.find((r) => !r.error) || {};
  console.log(`\nSteady: ${r0.devices} devices x ${r0.rate_per_device}/s, ${r0.dashboards} dashboards x ` +
    `${r0.rooms_per_dashboard} rooms, warm-up ${r0.warmup_s} s, measured ${r0.duration_s} s\n`);
  table(['server', 'offered/s', 'delivered/s', 'lost', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'srv CPU %core',
    'srv µs/delivery', 'srv peak RSS MB', 'loadgen CPU %', 'other procs CPU s', 'alive'],
  steady.map((r) => (r.error ? [r.label || r.adapter, 'ERROR: ' + r.error, '', '', '', '', '', '', '', '', '', '', '', ''] : [
    r.label, f(r.offered_per_s, 0), f(r.delivered_per_s, 0), `${r.lost} (${f(r.loss_pct, 2)}%)`,
    f(r.latency_ms.p50, 2), f(r.latency_ms.p99, 2), f(r.latency_ms.p999, 2), f(r.latency_ms.max, 1),
    f(r.server && r.server.cpu_pct_of_core), f(r.server && r.server.cpu_us_per_delivery),
    f(r.server && r.server.peak_rss_mb), f(r.loadgen.cpu_pct_of_core), f(r.machine.other_procs_cpu_s, 2),
    r.server ? r.server.alive : '-',
  ])));
}
if (max.length) {
  console.log('\nMax mode (knee = healthiest step with the highest delivered rate)\n');
  table(['server', 'knee R/device', 'delivered/s', 'p50/p99 ms', 'srv CPU %', 'loadgen CPU %', 'first failing',
    'stop reason', 'generator-limited'],
  max.map((r) => (r.error ? [r.label || r.adapter, 'ERROR: ' + r.error, '', '', '', '', '', '', ''] : [
    r.label, r.knee ? r.knee.rate_per_device : '-', r.knee ? f(r.knee.delivered_per_s, 0) : '-',
    r.knee ? `${f(r.knee.p50_ms, 2)} / ${f(r.knee.p99_ms, 2)}` : '-',
    r.knee ? f(r.knee.server_cpu_pct) : '-', r.knee ? f(r.knee.loadgen_cpu_pct) : '-',
    r.first_failing ? `R=${r.first_failing.rate_per_device}: ${f(r.first_failing.delivered_per_s, 0)}/s, p99 ` +
      `${f(r.first_failing.p99_ms, 1)} ms, loss ${f(r.first_failing.loss_pct, 2)}%` : '-',
    r.stop_reason, r.generator_limited,
  ])));
}
JS
echo "[bench-rooms] results: $OUT" >&2
