package org.telemetryhub.hub.rooms;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardClient;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/** A dashboard that stops reading costs a bounded outbox; the others keep their pace; it catches up afterwards. */
class SlowDashboardTest {

    static final int OUTBOX = 64;
    static final int READINGS = 10_000;

    @Test
    void a_stalled_dashboard_lags_within_its_outbox_limit_and_catches_up_with_nothing_missing() {
        try (TestHub hub = TestHub.start(Map.of("limits.deviceReadingsPerSecond", "1000000",
                "limits.deviceBurst", "1000000", "dashboard.outboxLimit", String.valueOf(OUTBOX)))) {
            Api admin = hub.admin();
            Api.Device device = admin.provision("firehose");
            DashboardClient fast = hub.dashboard();
            DashboardClient slow = hub.dashboard();
            fast.subscribe("firehose", null);
            slow.subscribe("firehose", null);
            fast.next("subscribed");
            slow.next("subscribed");
            slow.pause();

            try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
                long now = hub.clock.millis();
                for (long first = 1; first <= READINGS; first += 100) {
                    client.send(Wire.batchFrame(LongStream.range(first, first + 100)
                            .mapToObj(seq -> wide(seq, now)).toList()));
                }
                client.ack(READINGS);
            }

            List<Long> all = LongStream.rangeClosed(1, READINGS).boxed().toList();
            await().atMost(Duration.ofSeconds(30)).until(() -> fast.offsets("firehose").size() >= READINGS);
            assertEquals(all, fast.offsets("firehose"));
            assertTrue(slow.offsets("firehose").size() < READINGS, "the slow dashboard did not keep up");
            assertTrue(highWater(admin) <= OUTBOX, "the outbox never held more than its limit");

            slow.resume();
            await().atMost(Duration.ofSeconds(30)).until(() -> slow.offsets("firehose").size() >= READINGS);
            assertEquals(all, slow.offsets("firehose"));
            assertTrue(slow.received().stream().anyMatch(m -> m.path("type").asText().equals("lag")),
                    "the slow dashboard was told it lagged");
            assertTrue(highWater(admin) <= OUTBOX);
            fast.close();
            slow.close();
        }
    }

    /** A reading of about 2 KB, so that 10,000 of them overflow the sockets' buffers. */
    static Reading wide(long seq, long ts) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            metrics.put("channel-" + i + "-" + "x".repeat(40), seq + i / 10.0);
        }
        return new Reading(seq, ts, metrics);
    }

    static double highWater(Api admin) {
        String metrics = admin.get("/metrics").raw().body();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("hub_dashboard_queue_highwater")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no hub_dashboard_queue_highwater in /metrics");
    }
}
