package org.telemetryhub.hub.alerts;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/** The rules' state per device survives a restart: it is rebuilt by replaying readings from a checkpoint. */
class AlertRestartTest {

    @TempDir
    Path dir;

    @Test
    void a_condition_timed_before_a_restart_is_timed_from_its_first_reading_after_it() throws Exception {
        Api.Device device;
        try (TestHub hub = TestHub.start(dir, Map.of())) {
            Api admin = hub.admin();
            device = admin.provision("kiln-1");
            admin.post("/api/alert-rules", Map.of("name", "hot for 10 s", "deviceId", "kiln-1",
                    "metric", "temperature", "op", ">", "threshold", 900, "forMs", 10_000, "severity", "critical"));
            send(hub, device, 1, 950);
        }

        try (TestHub hub = TestHub.start(dir, Map.of())) {
            hub.clock.advance(10_000);
            send(hub, device, 2, 960);

            Api admin = hub.admin();
            JsonNode alert = await().atMost(Duration.ofSeconds(10)).until(
                    () -> admin.get("/api/alerts?deviceId=kiln-1").body().path("alerts").path(0),
                    found -> !found.isMissingNode());
            assertEquals(2, alert.get("openedOffset").asLong());
            assertEquals("open", alert.get("status").asText());
        }
    }

    private static void send(TestHub hub, Api.Device device, long seq, double temperature) {
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), hub.admin().ticket(device))) {
            client.send(Wire.readingFrame(new Reading(seq, hub.clock.millis(), Map.of("temperature", temperature))));
            client.ack(seq);
        }
    }
}
