package org.telemetryhub.hub.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.core.ReadingStore.StoredReading;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.OneHub;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/** (device, seq) is stored once: resends are acked again, changed content under a stored seq is a conflict. */
class DedupTest extends OneHub {

    @Test
    void resending_stored_readings_acks_them_and_stores_nothing_new() {
        Api.Device device = admin.provision("resender");
        long now = hub.clock.millis();
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Readings.batch(1, 20, now));
            client.ack(20);

            client.send(Readings.batch(1, 20, now));
            client.ack(20);
            client.send(Readings.one(5, now));
            client.ack(5);
        }

        assertEquals(LongStream.rangeClosed(1, 20).boxed().toList(), seqs("resender"));
        assertEquals(LongStream.rangeClosed(1, 20).boxed().toList(), offsets("resender"));
    }

    @Test
    void a_changed_reading_under_a_stored_seq_gets_seq_conflict() {
        Api.Device device = admin.provision("conflicted");
        long now = hub.clock.millis();
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Readings.one(1, now));
            client.ack(1);

            client.send(Wire.readingFrame(new Reading(1, now, Map.of("temperature", 99.0))));
            JsonNode verdict = client.next();

            assertEquals("rejected", verdict.get("type").asText());
            assertEquals("seq_conflict", verdict.get("error").asText());
            assertEquals(1, verdict.get("seq").asLong());
        }
        List<StoredReading> stored = stored("conflicted");
        assertEquals(1, stored.size());
        assertEquals(Readings.reading(1, now), stored.get(0).reading());
    }

    @Test
    void the_same_seq_twice_in_one_batch_is_stored_once_or_conflicts() {
        Api.Device device = admin.provision("doubled");
        long now = hub.clock.millis();
        Reading first = Readings.reading(1, now);
        Reading changed = new Reading(1, now, Map.of("temperature", 1.0));

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Wire.batchFrame(List.of(first, first, Readings.reading(2, now), changed)));
            JsonNode conflict = client.next(m -> m.get("type").asText().equals("rejected"));
            client.ack(2);

            assertEquals("seq_conflict", conflict.get("error").asText());
        }
        assertEquals(List.of(1L, 2L), seqs("doubled"));
    }

    @Test
    void two_connections_of_one_device_interleaving_resends_store_each_seq_once_in_offset_order() {
        Api.Device device = admin.provision("twins");
        long now = hub.clock.millis();
        try (DeviceClient a = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device));
             DeviceClient b = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            for (long seq = 1; seq <= 200; seq += 10) {
                a.send(Readings.batch(seq, 10, now));
                b.send(Readings.batch(Math.max(1, seq - 5), 10, now));
            }
            a.ack(200);
            b.ack(195);
        }

        assertEquals(LongStream.rangeClosed(1, 200).boxed().toList(), seqs("twins"));
        assertEquals(LongStream.rangeClosed(1, 200).boxed().toList(), offsets("twins"));
    }

    @Test
    void out_of_order_seqs_get_offsets_in_commit_order_and_holes_are_counted() {
        Api.Device device = admin.provision("shuffled");
        long now = hub.clock.millis();
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Readings.one(5, now));
            client.ack(5);
            client.send(Readings.one(2, now));
            client.ack(2);
        }

        List<StoredReading> stored = stored("shuffled");
        assertEquals(List.of(5L, 2L), stored.stream().map(s -> s.reading().seq()).toList());
        assertEquals(List.of(1L, 2L), stored.stream().map(StoredReading::offset).toList());
        JsonNode listed = device(admin.get("/api/devices").body(), "shuffled");
        assertEquals(5, listed.get("lastSeq").asLong());
        assertEquals(3, listed.get("holes").asLong());
    }

    static JsonNode device(JsonNode list, String id) {
        for (JsonNode device : list.get("devices")) {
            if (device.get("deviceId").asText().equals(id)) {
                return device;
            }
        }
        throw new AssertionError(id + " not listed");
    }

    static List<StoredReading> stored(String deviceId) {
        return hub.stored(deviceId);
    }

    static List<Long> seqs(String deviceId) {
        return stored(deviceId).stream().map(s -> s.reading().seq()).sorted().toList();
    }

    static List<Long> offsets(String deviceId) {
        return stored(deviceId).stream().map(StoredReading::offset).toList();
    }
}
