#!/usr/bin/env bash
# The hub with live data in one command: starts the hub on its embedded defaults and a small mixed fleet of simulated
# devices (WebSocket, HTTP and MQTT) with an alert rule that their temperature spikes (about once every 30 s per device)
# break, prints the dashboard URL and how to sign in, and runs until Ctrl-C, which stops both.
#
#   scripts/demo.sh
#
# Builds the jars first if they are missing (mvn -B -q package -DskipTests). Read from the environment:
#   DEMO_DEVICES  devices in the fleet (default 12)      DEMO_RATE  readings per second per device (default 1)
#   HUB_*         any hub setting, e.g. HUB_HTTP_PORT=8081 or HUB_ADMIN_PASSWORD (else the hub generates one)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HUB_JAR="$ROOT/hub/target/hub.jar"
SIM_JAR="$ROOT/device-simulator/target/device-simulator.jar"

die() {
    echo "demo: $*" >&2
    exit 1
}

case "${1:-}" in
    -h | --help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    "") ;;
    *) die "takes no arguments (see --help); settings come from DEMO_* and HUB_* variables" ;;
esac

command -v java >/dev/null || die "java is not on the PATH (JDK 17 needed)"
command -v curl >/dev/null || die "curl is not on the PATH (used to wait for the hub's /health)"

cd "$ROOT"
if [[ ! -f "$HUB_JAR" || ! -f "$SIM_JAR" ]]; then
    echo "demo: building the jars (mvn -B -q package -DskipTests)" >&2
    mvn -B -q package -DskipTests || die "the build failed"
fi

port="${HUB_HTTP_PORT:-8080}"
url="http://127.0.0.1:$port"
store="${HUB_STORE_DIR:-$ROOT/data}"
if curl -fsS -o /dev/null --max-time 2 "$url/health" 2>/dev/null; then
    die "something already answers at $url; stop it, or pick another port with HUB_HTTP_PORT=8081"
fi
mkdir -p "$store"
log="$store/demo-hub.log"

hub_pid=""
cleanup() {
    local status=$?
    if [[ -n "$hub_pid" ]] && kill -0 "$hub_pid" 2>/dev/null; then
        echo "demo: stopping the hub" >&2
        kill "$hub_pid" 2>/dev/null || true
        wait "$hub_pid" 2>/dev/null || true
    fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

HUB_STORE_DIR="$store" java ${JVM_OPTS:-@$ROOT/config/jvm.options} -jar "$HUB_JAR" >"$log" 2>&1 &
hub_pid=$!
for _ in $(seq 1 300); do
    kill -0 "$hub_pid" 2>/dev/null || { tail -n 20 "$log" >&2; die "the hub exited during start (log: $log)"; }
    curl -fsS -o /dev/null --max-time 2 "$url/health" 2>/dev/null && break
    sleep 0.2
done
curl -fsS -o /dev/null --max-time 2 "$url/health" 2>/dev/null || die "the hub did not answer $url/health within 60 s (log: $log)"

if [[ -n "${HUB_ADMIN_PASSWORD:-}" ]]; then
    password_args=(--password "$HUB_ADMIN_PASSWORD")
    sign_in="as admin with the password in HUB_ADMIN_PASSWORD"
else
    password_args=(--password-file "$store/admin-password")
    [[ -s "$store/admin-password" ]] || die "the hub wrote no $store/admin-password; set HUB_ADMIN_PASSWORD"
    sign_in="as admin with the password in $store/admin-password (cat it)"
fi

# the alert rule the fleet's spikes break, made once per store
password="${HUB_ADMIN_PASSWORD:-$(cat "$store/admin-password")}"
token="$(curl -fsS --max-time 5 -H 'Content-Type: application/json' \
    --data "{\"username\":\"admin\",\"password\":\"$password\",\"issueToken\":true}" "$url/api/login" \
    | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')"
[[ -n "$token" ]] || die "could not sign in as admin to make the demo's alert rule"
if ! curl -fsS --max-time 5 -H "Authorization: Bearer $token" "$url/api/alert-rules" | grep -q '"name":"demo too hot"'; then
    curl -fsS -o /dev/null --max-time 5 -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        --data '{"name":"demo too hot","namespace":"demo","metric":"temperature","op":">","threshold":40,"clearThreshold":35,"severity":"critical"}' \
        "$url/api/alert-rules" || die "could not make the demo's alert rule"
fi

cat <<EOF

  Dashboard: $url/
  Sign in $sign_in.
  Namespace "demo" fills with ${DEMO_DEVICES:-12} simulated devices (WebSocket, HTTP and MQTT). Each reports 45°C about
  once every 30 s, which opens an alert (rule "demo too hot": temperature > 40) that its next reading clears.
  Ctrl-C stops the fleet and the hub.
  Hub log: $log

EOF

java -jar "$SIM_JAR" run --hub "$url" "${password_args[@]}" --namespace demo --transport mixed \
    --mqtt "127.0.0.1:${HUB_MQTT_PORT:-1883}" --devices "${DEMO_DEVICES:-12}" --rate "${DEMO_RATE:-1}" --batch 1 --duration 0 --invalid 0.02 \
    --spike 45
