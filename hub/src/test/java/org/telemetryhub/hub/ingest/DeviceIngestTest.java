package org.telemetryhub.hub.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.core.ReadingStore.StoredReading;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;

class DeviceIngestTest {

    static TestHub hub;
    static Api admin;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("limits.deviceReadingsPerSecond", "100000", "limits.deviceBurst", "100000"));
        admin = hub.admin();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void acks_and_stores_a_thousand_readings_sent_singly_and_in_batches() {
        Api.Device device = admin.provision("ws-sensor");
        long now = hub.clock.millis();

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            for (long seq = 1; seq <= 500; seq++) {
                client.send(Readings.one(seq, now));
            }
            for (long seq = 1; seq <= 500; seq++) {
                client.ack(seq);
            }
            for (long first = 501; first <= 1000; first += 100) {
                client.send(Readings.batch(first, 100, now));
            }
            for (long first = 501; first <= 1000; first += 100) {
                client.ack(first + 99);
            }
        }

        assertEquals(LongStream.rangeClosed(1, 1000).boxed().toList(), storedSeqs("ws-sensor"));
    }

    @Test
    void http_ingest_answers_every_seq_as_acked_once_stored() {
        Api.Device device = admin.provision("http-sensor");
        String ticket = admin.ticket(device);
        long now = hub.clock.millis();

        for (long seq = 1; seq <= 500; seq++) {
            Api.Answer answer = admin.ingest("http-sensor", ticket, Readings.one(seq, now));
            assertEquals(200, answer.status(), answer.body().toString());
            assertEquals(seq, answer.body().get("acked").get(0).asLong());
        }
        for (long first = 501; first <= 1000; first += 250) {
            Api.Answer answer = admin.ingest("http-sensor", ticket, Readings.batch(first, 250, now));
            assertEquals(250, answer.body().get("acked").size());
            assertTrue(answer.body().get("rejected").isEmpty());
        }

        assertEquals(LongStream.rangeClosed(1, 1000).boxed().toList(), storedSeqs("http-sensor"));
    }

    static List<Long> storedSeqs(String deviceId) {
        return hub.stored(deviceId).stream()
                .map(StoredReading::reading).map(r -> r.seq()).sorted().toList();
    }
}
