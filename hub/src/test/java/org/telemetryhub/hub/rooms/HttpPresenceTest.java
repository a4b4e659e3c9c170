package org.telemetryhub.hub.rooms;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardClient;
import org.telemetryhub.hub.support.OneHub;
import org.telemetryhub.hub.support.Readings;

/**
 * Presence of devices that send over HTTP and so keep no connection: online while a reading arrived within two
 * report intervals, stale up to five, then offline, each change a presence event like any other.
 */
class HttpPresenceTest extends OneHub {

    @Test
    void a_device_sending_over_http_every_second_shows_online() {
        Api.Device device = provision("http-every-second");
        try (DashboardClient dashboard = PresenceTest.watching(hub, device.id())) {
            for (long seq = 1; seq <= 5; seq++) {
                send(device, seq);
                hub.clock.advance(1_000);
            }

            assertEquals("online", dashboard.next("presence").get("state").asText());
            assertEquals("online", admin.get("/api/devices/http-every-second").body().get("presence").asText());
            assertEquals(true, admin.get("/api/devices/http-every-second").body().get("online").asBoolean());
        }
    }

    @Test
    void a_silent_http_device_goes_stale_after_two_intervals_and_offline_after_five_and_back_online_on_a_reading() {
        Api.Device device = provision("http-falls-silent");
        try (DashboardClient dashboard = PresenceTest.watching(hub, device.id())) {
            send(device, 1);
            JsonNode online = dashboard.next("presence");

            hub.clock.advance(2_001);
            JsonNode stale = dashboard.next("presence");
            hub.clock.advance(3_000);
            JsonNode offline = dashboard.next("presence");
            send(device, 2);
            JsonNode back = dashboard.next("presence");

            assertEquals(List.of("online", "stale", "offline", "online"),
                    List.of(online, stale, offline, back).stream().map(p -> p.get("state").asText()).toList());
            long first = online.get("version").asLong();
            assertEquals(List.of(first + 1, first + 2, first + 3),
                    List.of(stale, offline, back).stream().map(p -> p.get("version").asLong()).toList());
        }
    }

    @Test
    void an_http_device_that_stays_within_two_intervals_stays_online_without_events() {
        Api.Device device = provision("http-steady");
        try (DashboardClient dashboard = PresenceTest.watching(hub, device.id())) {
            send(device, 1);
            assertEquals("online", dashboard.next("presence").get("state").asText());

            hub.clock.advance(1_900);
            send(device, 2);
            hub.clock.advance(1_900);
            send(device, 3);

            await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(5))
                    .until(() -> presenceEvents(dashboard) == 1);
            assertEquals("online", admin.get("/api/devices/http-steady").body().get("presence").asText());
        }
    }

    static long presenceEvents(DashboardClient dashboard) {
        return dashboard.received().stream().filter(m -> m.path("type").asText().equals("presence")).count();
    }

    static Api.Device provision(String deviceId) {
        Api.Answer created = admin.post("/api/devices", Map.of("deviceId", deviceId, "reportIntervalMs", 1_000));
        return new Api.Device(deviceId, created.body().get("secret").asText());
    }

    static void send(Api.Device device, long seq) {
        Api.Answer answer = admin.ingest(device.id(), admin.ticket(device), Readings.one(seq, hub.clock.millis()));
        assertEquals(200, answer.status(), answer.body().toString());
    }
}
