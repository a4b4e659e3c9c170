package org.telemetryhub.hub.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;

/** The store keeps no ticket that can no longer be used and no expired session: its size follows live data. */
class PurgeTest {

    TestHub hub;

    @BeforeEach
    void start() {
        hub = TestHub.start(Map.of("store.purgeIntervalMs", "100", "sessions.ttlMs", "60000"));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void a_ticket_that_opened_a_connection_is_purged_at_once_and_the_others_when_they_expire() {
        Api admin = hub.admin();
        Api.Device device = admin.provision("purged");
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Readings.one(1, hub.clock.millis()));
            client.ack(1);
        }
        String httpTicket = admin.ticket(device);
        assertEquals(200, admin.ingest(device.id(), httpTicket, Readings.one(2, hub.clock.millis())).status());
        admin.ticket(device); // never used

        awaitGauge("hub_store_tickets", 2);
        hub.clock.advance(60_001);

        awaitGauge("hub_store_tickets", 0);
    }

    @Test
    void expired_sessions_are_purged() {
        hub.admin();
        hub.admin();
        awaitGauge("hub_store_sessions", 2);

        hub.clock.advance(60_001);

        awaitGauge("hub_store_sessions", 0);
    }

    private void awaitGauge(String name, double expected) {
        await().atMost(Duration.ofSeconds(5)).until(
                () -> DiskFloorTest.gauge(hub.anonymous().get("/metrics").body().get("raw").asText(), name),
                value -> value == expected);
    }
}
