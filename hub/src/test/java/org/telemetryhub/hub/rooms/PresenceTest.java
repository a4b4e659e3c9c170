package org.telemetryhub.hub.rooms;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardClient;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;

/** Presence: online, stale, offline, in version order, for clean closes, dropped connections and silence. */
class PresenceTest {

    static final long PING_MS = 300;
    static TestHub hub;
    static Api admin;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("ws.pingIntervalMs", String.valueOf(PING_MS)));
        admin = hub.admin();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void connect_and_clean_close_arrive_as_online_then_offline_with_growing_versions() {
        Api.Device device = admin.provision("blinker");
        try (DashboardClient dashboard = watching("blinker")) {
            DeviceClient.connect(hub.deviceSocket(), admin.ticket(device)).close();

            JsonNode online = dashboard.next("presence");
            JsonNode offline = dashboard.next("presence");

            assertEquals("online", online.get("state").asText());
            assertEquals("offline", offline.get("state").asText());
            assertTrue(offline.get("version").asLong() > online.get("version").asLong());
        }
    }

    @Test
    void a_device_that_sends_as_soon_as_it_connects_shows_online_before_its_first_reading() {
        for (int round = 0; round < 30; round++) {
            Api.Device device = admin.provision("eager-" + round);
            try (DashboardClient dashboard = watching(device.id());
                 DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
                client.send(Readings.one(1, hub.clock.millis()));

                JsonNode first = dashboard.next(message -> message.get("type").asText().matches("presence|reading"));

                assertEquals("presence", first.get("type").asText(), "round " + round + ": " + first);
                assertEquals("online", first.get("state").asText());
                assertEquals(1, dashboard.next("reading").get("seq").asLong());
            }
        }
    }

    @Test
    void a_late_close_of_an_old_connection_does_not_take_a_newer_one_offline() {
        Api.Device device = admin.provision("overlapping");
        try (DashboardClient dashboard = watching("overlapping")) {
            DeviceClient old = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device));
            assertEquals("online", dashboard.next("presence").get("state").asText());
            DeviceClient fresh = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device));

            old.close();
            fresh.send(Readings.one(1, hub.clock.millis()));
            fresh.ack(1);

            assertEquals("online", listed("overlapping").get("presence").asText());
            fresh.close();
            assertEquals("offline", dashboard.next("presence").get("state").asText());
        }
    }

    @Test
    void a_dropped_connection_goes_offline_within_two_ping_intervals() throws Exception {
        Api.Device device = admin.provision("dropped");
        try (DashboardClient dashboard = watching("dropped");
             Socket socket = new Socket("127.0.0.1", hub.hub.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws/device HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Authorization: Bearer " + admin.ticket(device) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertEquals("online", dashboard.next("presence").get("state").asText());
            long silentSince = System.nanoTime();

            JsonNode offline = dashboard.next("presence");

            long afterMs = (System.nanoTime() - silentSince) / 1_000_000;
            assertEquals("offline", offline.get("state").asText());
            assertTrue(afterMs <= 2 * PING_MS + PING_MS / 2, "offline after " + afterMs + " ms");
        }
    }

    @Test
    void a_connected_device_that_stays_silent_becomes_stale_then_online_again_when_it_reports() {
        Api.Answer created = admin.post("/api/devices", Map.of("deviceId", "quiet", "reportIntervalMs", 1_000));
        Api.Device device = new Api.Device("quiet", created.body().get("secret").asText());
        try (DashboardClient dashboard = watching("quiet");
             DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            assertEquals("online", dashboard.next("presence").get("state").asText());

            hub.clock.advance(3_001);
            JsonNode stale = dashboard.next("presence");
            client.send(Readings.one(1, hub.clock.millis()));
            JsonNode back = dashboard.next("presence");

            assertEquals("stale", stale.get("state").asText());
            assertEquals("online", back.get("state").asText());
            assertTrue(back.get("version").asLong() > stale.get("version").asLong());
            assertEquals(true, listed("quiet").get("online").asBoolean());
        }
    }

    @Test
    void the_device_list_shows_the_same_state_as_the_events() {
        Api.Device device = admin.provision("listed");
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> listed("listed").get("presence").asText().equals("online"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> listed("listed").get("presence").asText().equals("offline"));
        assertEquals(false, listed("listed").get("online").asBoolean());
    }

    static DashboardClient watching(String deviceId) {
        return watching(hub, deviceId);
    }

    /** A dashboard of this hub in the device's room, past its {@code subscribed}. */
    static DashboardClient watching(TestHub hub, String deviceId) {
        DashboardClient dashboard = hub.dashboard();
        dashboard.subscribe(deviceId, null);
        dashboard.next("subscribed");
        return dashboard;
    }

    static JsonNode listed(String deviceId) {
        for (JsonNode device : admin.get("/api/devices").body().get("devices")) {
            if (device.get("deviceId").asText().equals(deviceId)) {
                return device;
            }
        }
        throw new AssertionError(deviceId + " is not listed");
    }
}
