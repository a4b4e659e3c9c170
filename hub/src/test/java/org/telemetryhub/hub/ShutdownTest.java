package org.telemetryhub.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.core.ReadingStore.StoredReading;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;

/** A clean stop while a device streams: whatever was acked is stored; what was not stored was not acked. */
class ShutdownTest {

    static final Map<String, String> FAST = Map.of("limits.deviceReadingsPerSecond", "1000000",
            "limits.deviceBurst", "1000000");

    @TempDir
    Path dir;

    @Test
    void stopping_the_hub_mid_stream_acks_only_stored_readings() throws Exception {
        Set<Long> acked = new HashSet<>();
        TestHub hub = TestHub.start(dir, FAST);
        Api.Device device = hub.admin().provision("streamer");
        long now = hub.clock.millis();
        long sent = 0;
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), hub.admin().ticket(device))) {
            for (long first = 1; first <= 20_000; first += 50) {
                client.send(Readings.batch(first, 50, now));
                sent = first + 49;
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> client.messages.stream()
                    .anyMatch(m -> m.get("type").asText().equals("ack") && m.get("seq").asLong() >= 1_000));

            hub.close();

            collectAcks(client, acked);
        }

        try (TestHub restarted = TestHub.start(dir, FAST)) {
            Set<Long> stored = new HashSet<>();
            for (StoredReading reading : restarted.stored("streamer")) {
                stored.add(reading.reading().seq());
            }
            assertTrue(stored.containsAll(acked), "every acked reading is stored");
            assertTrue(acked.size() >= 1_000, "acks flowed before the stop");
            assertTrue(stored.size() <= sent);
            assertEquals(stored.size(), restarted.stored("streamer").size());
        }
    }

    /** Every ack the hub sent before closing, expanded to the batch of 50 each one covers. */
    static void collectAcks(DeviceClient client, Set<Long> acked) {
        client.closed.orTimeout(10, TimeUnit.SECONDS).join();
        for (JsonNode message : client.messages) {
            if (message.get("type").asText().equals("ack")) {
                long last = message.get("seq").asLong();
                for (long seq = last - 49; seq <= last; seq++) {
                    acked.add(seq);
                }
            }
        }
    }
}
