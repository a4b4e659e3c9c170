package org.telemetryhub.hub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.telemetryhub.hub.Hub;
import org.telemetryhub.hub.config.ConfigLoader;
import org.telemetryhub.hub.config.HubConfig;

/** A real hub on a free port with its own store in a temporary folder, wired by the same root as {@code main}. */
public final class TestHub implements AutoCloseable {

    public static final String ADMIN_PASSWORD = "correct-horse-battery";

    public final Hub hub;
    public final TestClock clock;
    public final Path dir;

    private TestHub(Hub hub, TestClock clock, Path dir) {
        this.hub = hub;
        this.clock = clock;
        this.dir = dir;
    }

    /** Settings for a hub with an embedded MQTT broker on a free port. */
    public static final Map<String, String> EMBEDDED_MQTT = Map.of("mqtt.mode", "embedded", "mqtt.port", "0");

    public static TestHub start() {
        return start(Map.of());
    }

    /** Starts a hub with test defaults (port 0, fast password hashing), overridden by {@code settings}. */
    public static TestHub start(Map<String, String> settings) {
        try {
            Path dir = Files.createTempDirectory("hub-test");
            return start(dir, settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TestHub start(Path dir, Map<String, String> settings) {
        Map<String, String> values = new HashMap<>();
        values.put("http.port", "0");
        values.put("store.dir", dir.toString());
        values.put("admin.password", ADMIN_PASSWORD);
        values.put("admin.passwordIterations", "1000");
        values.put("mqtt.mode", "off"); // a broker takes ~4 s to stop: only MQTT tests ask for one
        values.putAll(settings);
        HubConfig config = HubConfig.from(ConfigLoader.settings(values));
        TestClock clock = new TestClock();
        try {
            return new TestHub(Hub.start(config, clock), clock, dir);
        } catch (Exception e) {
            throw new IllegalStateException("hub did not start", e);
        }
    }

    public String url() {
        return hub.url();
    }

    /** The embedded MQTT broker's port; the hub must run with mqtt.mode embedded. */
    public int mqttPort() {
        return hub.mqttPort().orElseThrow(() -> new IllegalStateException("this hub runs no MQTT broker"));
    }

    public URI deviceSocket() {
        return URI.create(url().replaceFirst("^http", "ws") + "/ws/device");
    }

    /** How many readings of a device are in the store. */
    public int storedCount(String deviceId) {
        return stored(deviceId).size();
    }

    public java.util.List<org.telemetryhub.hub.core.ReadingStore.StoredReading> stored(String deviceId) {
        var device = hub.devices().find(deviceId).orElseThrow();
        return hub.readings().after(device.key(), 0, 1_000_000);
    }

    public URI dashboardSocket() {
        return URI.create(url().replaceFirst("^http", "ws") + "/ws/dashboard");
    }

    /** A dashboard signed in as admin with a bearer token. */
    public DashboardClient dashboard() {
        return DashboardClient.connect(dashboardSocket(), admin().token());
    }

    /** An operator API client signed in as admin with a bearer token. */
    public Api admin() {
        return Api.signedIn(url(), "admin", ADMIN_PASSWORD);
    }

    public Api anonymous() {
        return new Api(url(), null);
    }

    @Override
    public void close() {
        hub.close();
    }
}
