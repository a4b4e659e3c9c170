package org.telemetryhub.hub.rooms;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardClient;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;

/** Namespace rooms carry summaries at most once a second per device, never raw readings; retention truncates. */
class NamespaceRoomTest {

    @Test
    void a_namespace_room_gets_summaries_at_most_once_a_second_and_the_latest_state() {
        try (TestHub hub = TestHub.start(Map.of("limits.deviceReadingsPerSecond", "100000",
                "limits.deviceBurst", "100000"))) {
            Api admin = hub.admin();
            Api.Device device = admin.provision("fleet-1", "fleet");
            admin.provision("elsewhere", "other");
            try (DashboardClient dashboard = hub.dashboard();
                 DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
                dashboard.send("{\"type\":\"subscribe\",\"namespace\":\"fleet\"}");
                JsonNode subscribed = dashboard.next("subscribed");

                long started = System.nanoTime();
                for (long seq = 1; seq <= 300; seq += 10) {
                    client.send(Readings.batch(seq, 10, hub.clock.millis()));
                }
                client.ack(300);
                await().atMost(Duration.ofSeconds(5)).until(() -> summaries(dashboard).stream()
                        .anyMatch(s -> s.get("lastSeq").asLong() == 300));

                assertEquals(1, subscribed.get("devices").size());
                assertEquals("device-summary", subscribed.get("devices").get(0).get("type").asText());
                List<JsonNode> summaries = summaries(dashboard);
                long seconds = (System.nanoTime() - started) / 1_000_000_000L + 1;
                assertTrue(summaries.size() <= seconds + 1, summaries.size() + " summaries in " + seconds + " s");
                assertTrue(dashboard.received().stream().noneMatch(m -> m.path("type").asText().equals("reading")));
                assertTrue(dashboard.received().stream().noneMatch(m -> m.path("device").asText().equals("elsewhere")));
            }
        }
    }

    @Test
    void a_cursor_older_than_retention_gets_truncated_with_the_first_offset_kept() {
        try (TestHub hub = TestHub.start(Map.of("namespaces.short-lived.retentionMs", "60000",
                "retention.checkIntervalMs", "100"))) {
            Api admin = hub.admin();
            Api.Device device = admin.provision("ephemeral", "short-lived");
            try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
                client.send(Readings.batch(1, 10, hub.clock.millis()));
                client.ack(10);
                hub.clock.advance(61_000);
                await().atMost(Duration.ofSeconds(5)).until(() -> hub.storedCount("ephemeral") == 0);
                client.send(Readings.batch(11, 5, hub.clock.millis()));
                client.ack(15);
            }

            try (DashboardClient dashboard = hub.dashboard()) {
                dashboard.subscribe("ephemeral", 3L);
                JsonNode truncated = dashboard.next("truncated");
                JsonNode subscribed = dashboard.next("subscribed");

                assertEquals(11, truncated.get("firstOffset").asLong());
                assertEquals(11, subscribed.get("readings").get(0).get("offset").asLong());
            }
        }
    }

    @Test
    void retention_deletes_the_expired_prefix_of_the_log_and_keeps_what_came_after() {
        try (TestHub hub = TestHub.start(Map.of("namespaces.short-lived.retentionMs", "60000",
                "retention.checkIntervalMs", "100", "limits.deviceReadingsPerSecond", "100000",
                "limits.deviceBurst", "100000"))) {
            Api admin = hub.admin();
            Api.Device device = admin.provision("long-log", "short-lived");
            try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
                for (long seq = 1; seq <= 2_500; seq += 500) {
                    client.send(Readings.batch(seq, 500, hub.clock.millis()));
                    client.ack(seq + 499);
                }
                hub.clock.advance(30_000);
                client.send(Readings.batch(2_501, 5, hub.clock.millis()));
                client.ack(2_505);
                hub.clock.advance(31_000);
                await().atMost(Duration.ofSeconds(5)).until(() -> hub.storedCount("long-log") == 5);
            }

            try (DashboardClient dashboard = hub.dashboard()) {
                dashboard.subscribe("long-log", 0L);

                assertEquals(2_501, dashboard.next("truncated").get("firstOffset").asLong());
                assertEquals(5, dashboard.next("subscribed").get("readings").size());
            }
        }
    }

    @Test
    void a_dashboard_over_its_frame_rate_is_answered_rate_limited() {
        try (TestHub hub = TestHub.start(Map.of("dashboard.framesPerSecond", "5"));
             DashboardClient dashboard = hub.dashboard()) {
            for (int i = 0; i < 12; i++) {
                dashboard.send("{\"type\":\"unsubscribe\",\"device\":\"nothing\"}");
            }

            JsonNode limited = dashboard.next("error");

            assertEquals("rate_limited", limited.get("error").asText());
        }
    }

    static List<JsonNode> summaries(DashboardClient dashboard) {
        return dashboard.received().stream().filter(m -> m.path("type").asText().equals("device-summary")).toList();
    }
}
