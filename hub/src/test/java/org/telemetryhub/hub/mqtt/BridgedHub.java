package org.telemetryhub.hub.mqtt;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.Mosquitto;
import org.telemetryhub.hub.support.TestHub;

/**
 * A Mosquitto that knows the hub's user and one user per device, and a hub bridged to it with those devices
 * provisioned, its bridge up.
 */
final class BridgedHub implements AutoCloseable {

    static final String SECRET = "bridge-secret-for-tests";

    final Mosquitto broker;
    final TestHub hub;
    final Api admin;

    private BridgedHub(Mosquitto broker, TestHub hub) {
        this.broker = broker;
        this.hub = hub;
        this.admin = hub.admin();
    }

    static BridgedHub start(Path dir, List<String> devices) {
        Map<String, String> users = new HashMap<>(Map.of("hub", SECRET));
        devices.forEach(id -> users.put(id, password(id)));
        Mosquitto broker = Mosquitto.start(dir.resolve("mosquitto"), users);
        BridgedHub bridged = new BridgedHub(broker, TestHub.start(dir.resolve("hub"), Map.of("mqtt.mode", "external",
                "mqtt.brokerUrl", broker.url(), "mqtt.brokerSecret", SECRET)));
        devices.forEach(bridged.admin::provision);
        bridged.awaitMqtt("up");
        return bridged;
    }

    /** A device's password on the broker. */
    static String password(String deviceId) {
        return "broker-password-" + deviceId;
    }

    /** Waits until {@code /health} reports the bridge in this state. */
    void awaitMqtt(String state) {
        await().atMost(Duration.ofSeconds(15)).until(() ->
                hub.anonymous().get("/health").body().path("components").path("mqtt").asText().equals(state));
    }

    @Override
    public void close() {
        hub.close();
        broker.close();
    }
}
