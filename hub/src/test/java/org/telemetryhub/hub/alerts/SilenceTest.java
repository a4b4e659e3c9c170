package org.telemetryhub.hub.alerts;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.OneHub;
import org.telemetryhub.hub.support.Readings;

/** Silence rules: a device that sends nothing for forMs raises an alert, and its next reading clears it. */
class SilenceTest extends OneHub {

    @Test
    void a_device_silent_for_forMs_raises_an_alert_after_its_last_reading_and_its_next_reading_clears_it() {
        Api.Device device = admin.provision("quiet-1");
        rule("quiet-1", 5_000);
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Readings.one(1, hub.clock.millis()));
            client.ack(1);
            long lastReading = hub.clock.millis();

            hub.clock.advance(5_000);
            JsonNode opened = awaitAlert("quiet-1", "open");

            assertEquals("critical", opened.get("severity").asText());
            assertTrue(opened.get("metric").isNull());
            assertTrue(opened.get("value").isNull());
            assertEquals(1, opened.get("openedOffset").asLong());
            assertEquals(lastReading + 5_000, opened.get("openedAt").asLong());

            client.send(Readings.one(2, hub.clock.millis()));
            client.ack(2);
            JsonNode cleared = awaitAlert("quiet-1", "cleared");
            assertEquals(opened.get("alertId"), cleared.get("alertId"));
            assertEquals(2, cleared.get("clearedOffset").asLong());
        }
    }

    @Test
    void a_device_that_never_reported_is_silent_from_when_the_rule_was_made() {
        admin.provision("quiet-2");
        rule("quiet-2", 3_000);

        hub.clock.advance(3_000);

        JsonNode opened = awaitAlert("quiet-2", "open");
        assertEquals(0, opened.get("openedOffset").asLong());
    }

    private static void rule(String deviceId, long forMs) {
        Api.Answer answer = admin.post("/api/alert-rules", Map.of("name", "silent " + deviceId, "kind", "silence",
                "deviceId", deviceId, "forMs", forMs, "severity", "critical"));
        assertEquals(201, answer.status(), answer.body().toString());
    }

    private static JsonNode awaitAlert(String deviceId, String status) {
        return await().atMost(Duration.ofSeconds(10)).until(
                () -> admin.get("/api/alerts?deviceId=" + deviceId + "&status=" + status).body().path("alerts")
                        .path(0),
                alert -> !alert.isMissingNode());
    }
}
