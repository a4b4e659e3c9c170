package org.telemetryhub.hub.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.MqttDevice;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/** The meters the operator's dashboard draws that no other test reads: connections by transport, and alerts. */
class HubMetricsTest {

    static final String WS = "hub_connections_transport{transport=\"ws\"}";
    static final String MQTT = "hub_connections_transport{transport=\"mqtt\"}";

    @Test
    void a_device_connection_counts_under_its_transport_until_it_closes() {
        try (TestHub hub = TestHub.start(TestHub.EMBEDDED_MQTT)) {
            Api admin = hub.admin();
            Api.Device socketDevice = admin.provision("socket-1");
            Api.Device mqttDevice = admin.provision("mqtt-1");

            try (DeviceClient socket = DeviceClient.connect(hub.deviceSocket(), admin.ticket(socketDevice));
                 MqttDevice mqtt = MqttDevice.connect(hub.mqttPort(), mqttDevice.id(), admin.ticket(mqttDevice))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> value(hub, WS) == 1 && value(hub, MQTT) == 1);
                assertEquals(2, value(hub, "hub_connections_devices"));
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> value(hub, WS) == 0 && value(hub, MQTT) == 0);
        }
    }

    @Test
    void an_alert_counts_its_opening_and_stays_active_until_it_clears() {
        try (TestHub hub = TestHub.start()) {
            Api admin = hub.admin();
            Api.Device device = admin.provision("kiln-1");
            admin.post("/api/alert-rules", Map.of("name", "overheat", "deviceId", "kiln-1", "metric", "temperature",
                    "op", ">", "threshold", 100, "severity", "critical"));

            try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
                client.send(Wire.readingFrame(new Reading(1, System.currentTimeMillis(),
                        Map.of("temperature", 120.0))));
                client.ack(1);
                await().atMost(Duration.ofSeconds(10)).until(() -> value(hub, "hub_alerts_active") == 1);
                assertEquals(1, value(hub, "hub_alerts_transitions_total{event=\"opened\"}"));

                client.send(Wire.readingFrame(new Reading(2, System.currentTimeMillis(), Map.of("temperature", 20.0))));
                client.ack(2);
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> value(hub, "hub_alerts_active") == 0);
            assertEquals(1, value(hub, "hub_alerts_transitions_total{event=\"cleared\"}"));
        }
    }

    /** One series' value in the hub's scrape, e.g. {@code hub_alerts_active} or {@code name{label="value"}}. */
    static double value(TestHub hub, String series) {
        for (String line : hub.anonymous().get("/metrics").raw().body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + series + " in /metrics");
    }
}
