#!/usr/bin/env bash
# MQTT figures (not assertions): durable readings/s through the embedded broker for 1 to 200 devices and with
# batches, and device -> dashboard latency p50/p99 at about 5,000 readings/s.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -pl hub -am test -Dtest=MqttBenchmark -Dsurefire.failIfNoSpecifiedTests=false
grep -h "MQTT benchmark" hub/target/surefire-reports/org.telemetryhub.hub.mqtt.MqttBenchmark-output.txt
