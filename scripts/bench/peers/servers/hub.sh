# Sourced by run.sh (see servers/socketio.sh for the contract). Inputs: HERE, PORT, RUN_DIR, SERVER_EXTRA.
# Runs the telemetry hub's shaded jar in the foreground (the JVM is the process run.sh measures and stops; the hub
# closes cleanly on SIGTERM). Nothing is built here: build the jar first with
#   mvn -B -q package -DskipTests      (from the repository root)
# SERVER_EXTRA holds extra JVM options, e.g. SERVER_EXTRA="-Xmx512m" ./run.sh hub.
#
# Hub settings differ from its defaults only where the benchmark needs it:
#   - the store lives in this run's folder, so every run starts with an empty H2 database (it is durable as
#     usual: an ack still means committed, and the dashboard feed runs after the commit);
#   - the per-device reading rate and burst are raised far above any ramp step (with the default 100/s and a burst
#     of 1000, --mode max would be refused as rate_limited from its ~100/s step on, and measure the limiter);
#   - the per-address connection limit is raised, since every device of the load generator comes from 127.0.0.1;
#   - PBKDF2 iterations for the admin password are lowered (one hash at start, one per login; not on the hot path);
#   - MQTT is off (the workload has no MQTT device), and the JVM gets the options the README recommends
#     (config/jvm.options; BENCH_HUB_HEAP replaces them).
HUB_REPO_ROOT="$(cd "$HERE/../../.." && pwd)"
HUB_JAR="$HUB_REPO_ROOT/hub/target/hub.jar"
if [[ ! -f "$HUB_JAR" ]]; then
  echo "[hub.sh] no hub jar at $HUB_JAR; build it first: (cd $HUB_REPO_ROOT && mvn -B -q package -DskipTests)" >&2
  exit 2
fi
# A fresh admin password per run; the adapter reads it from BENCH_HUB_ADMIN_PASSWORD (exported to the load generator).
BENCH_HUB_ADMIN_PASSWORD="bench-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"
export BENCH_HUB_ADMIN_PASSWORD
mkdir -p "$RUN_DIR/store"
# `env` execs java, so the PID run.sh records is the JVM's.
# shellcheck disable=SC2206
SERVER_CMD=(env
  HUB_HTTP_HOST=127.0.0.1
  HUB_HTTP_PORT="$PORT"
  HUB_STORE_DIR="$RUN_DIR/store"
  HUB_ADMIN_PASSWORD="$BENCH_HUB_ADMIN_PASSWORD"
  HUB_ADMIN_PASSWORDITERATIONS=1000
  HUB_LIMITS_DEVICEREADINGSPERSECOND="${BENCH_HUB_DEVICE_RATE:-1000000}"
  HUB_LIMITS_DEVICEBURST="${BENCH_HUB_DEVICE_BURST:-1000000}"
  HUB_LIMITS_CONNECTIONSPERADDRESS="${BENCH_HUB_CONNECTIONS:-100000}"
  HUB_LIMITS_CONNECTIONSTOTAL="${BENCH_HUB_CONNECTIONS:-100000}"
  HUB_LIMITS_PENDINGUPGRADESPERADDRESS="${BENCH_HUB_CONNECTIONS:-100000}"
  HUB_LIMITS_DEVICETICKETBURST="${BENCH_HUB_DEVICE_BURST:-1000000}"
  HUB_LIMITS_DEVICETICKETSPERSECOND="${BENCH_HUB_DEVICE_RATE:-1000000}"
  HUB_MQTT_MODE=off
  java ${BENCH_HUB_HEAP:-@$HUB_REPO_ROOT/config/jvm.options} ${SERVER_EXTRA:-} -jar "$HUB_JAR")
LOADGEN_URL="http://127.0.0.1:$PORT"
