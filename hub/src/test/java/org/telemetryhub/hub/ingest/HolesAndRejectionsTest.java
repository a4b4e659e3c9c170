package org.telemetryhub.hub.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardClient;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/**
 * Holes mean lost: a seq refused for its content and never stored is counted as rejected, not as a hole; a seq the
 * hub refused for the device's rate and never got again is a hole; the dashboard can ask which seqs of a range were
 * rejected; and all of it survives a restart.
 */
class HolesAndRejectionsTest {

    static TestHub hub;
    static Api admin;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("limits.deviceReadingsPerSecond", "1", "limits.deviceBurst", "20"));
        admin = hub.admin();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void a_device_with_rejected_readings_shows_no_holes_and_counts_its_rejected_seqs() {
        Api.Device device = admin.provision("refused-thrice");

        JsonNode answer = send(hub, device, valid(1, 2, 4, 6, 8, 9, 10), invalid(3, 5, 7)).body();

        assertEquals(3, answer.get("rejected").size());
        JsonNode listed = listed(hub, "refused-thrice");
        assertEquals(10, listed.get("lastSeq").asLong());
        assertEquals(0, listed.get("holes").asLong());
        assertEquals(3, listed.get("rejected").asLong());
        assertEquals(List.of(3L, 5L, 7L), rejectedSeqs(hub, "refused-thrice", "fromSeq=1&toSeq=10"));
    }

    @Test
    void a_seq_refused_for_the_device_rate_and_never_sent_again_is_a_hole() {
        Api.Device device = admin.provision("too-fast");
        assertEquals(200, send(hub, device, valid(range(1, 20)), List.of()).status());
        assertEquals(429, send(hub, device, valid(21), List.of()).status());
        hub.clock.advance(60_000);

        assertEquals(200, send(hub, device, valid(22), List.of()).status());

        JsonNode listed = listed(hub, "too-fast");
        assertEquals(1, listed.get("holes").asLong());
        assertEquals(0, listed.get("rejected").asLong());
    }

    @Test
    void a_refused_seq_that_is_later_stored_is_neither_a_hole_nor_rejected() {
        Api.Device device = admin.provision("second-try");
        send(hub, device, valid(1, 3), invalid(2));
        assertEquals(1, listed(hub, "second-try").get("rejected").asLong());

        send(hub, device, valid(2), List.of());

        JsonNode listed = listed(hub, "second-try");
        assertEquals(0, listed.get("rejected").asLong());
        assertEquals(0, listed.get("holes").asLong());
        assertEquals(List.of(), rejectedSeqs(hub, "second-try", "fromSeq=1"));
    }

    @Test
    void a_seq_conflict_names_a_stored_seq_and_is_not_counted() {
        Api.Device device = admin.provision("conflicted");
        send(hub, device, valid(1, 2), List.of());

        JsonNode answer = send(hub, device, List.of(new Reading(2, System.currentTimeMillis(),
                Map.of("temperature", 99.0))), List.of()).body();

        assertEquals("seq_conflict", answer.get("rejected").get(0).get("error").asText());
        JsonNode listed = listed(hub, "conflicted");
        assertEquals(0, listed.get("rejected").asLong());
        assertEquals(0, listed.get("holes").asLong());
    }

    @Test
    void a_refused_seq_above_the_highest_stored_counts_once_a_higher_seq_is_stored() {
        Api.Device device = admin.provision("refused-last");
        send(hub, device, valid(1), invalid(2));
        assertEquals(0, listed(hub, "refused-last").get("rejected").asLong());
        assertEquals(List.of(2L), rejectedSeqs(hub, "refused-last", "fromSeq=1"));

        send(hub, device, valid(3), List.of());

        assertEquals(1, listed(hub, "refused-last").get("rejected").asLong());
        assertEquals(0, listed(hub, "refused-last").get("holes").asLong());
    }

    @Test
    void the_rejected_seqs_of_a_range_come_in_pages() {
        Api.Device device = admin.provision("many-refused");
        send(hub, device, valid(10), invalid(2, 4, 6, 8));

        JsonNode first = admin.get("/api/devices/many-refused/rejections?fromSeq=3&toSeq=10&limit=2").body();
        JsonNode rest = admin.get("/api/devices/many-refused/rejections?fromSeq=" + first.get("next").asLong()
                + "&toSeq=10&limit=2").body();

        assertEquals("[{\"seq\":4,\"error\":\"invalid_ts\"},{\"seq\":6,\"error\":\"invalid_ts\"}]",
                first.get("rejectedSeqs").toString());
        assertEquals(8, first.get("next").asLong());
        assertEquals("[{\"seq\":8,\"error\":\"invalid_ts\"}]", rest.get("rejectedSeqs").toString());
        assertEquals(true, rest.get("next").isNull());
    }

    @Test
    void a_namespace_room_shows_the_same_holes_and_rejected_as_the_device_list() {
        Api.Device device = admin.provision("summarised", "summaries");
        try (DashboardClient dashboard = hub.dashboard()) {
            dashboard.send("{\"type\":\"subscribe\",\"namespace\":\"summaries\"}");
            dashboard.next("subscribed");

            send(hub, device, valid(1, 3, 6), invalid(2, 4));

            JsonNode summary = dashboard.next(m -> m.path("type").asText().equals("device-summary")
                    && m.path("lastSeq").asLong() == 6);
            assertEquals(2, summary.get("rejected").asLong());
            assertEquals(1, summary.get("holes").asLong());
        }
        assertEquals(1, listed(hub, "summarised").get("holes").asLong());
    }

    @Test
    void holes_and_rejected_seqs_survive_a_restart() {
        TestHub first = TestHub.start();
        Api.Device device = first.admin().provision("restarted");
        send(first, device, valid(1, 2, 5), invalid(3));
        first.close();

        try (TestHub again = TestHub.start(first.dir, Map.of())) {
            JsonNode listed = listed(again, "restarted");
            assertEquals(1, listed.get("rejected").asLong());
            assertEquals(1, listed.get("holes").asLong());
            assertEquals(List.of(3L), rejectedSeqs(again, "restarted", "toSeq=5"));
        }
    }

    /** One HTTP request with these readings, each invalid one stamped before 2000 so that it is refused. */
    static Api.Answer send(TestHub hub, Api.Device device, List<Reading> valid, List<Long> invalidSeqs) {
        List<Reading> readings = new ArrayList<>(valid);
        invalidSeqs.forEach(seq -> readings.add(new Reading(seq, 1_000, Map.of("temperature", 20.0))));
        Api admin = hub.admin();
        return admin.ingest(device.id(), admin.ticket(device), Wire.batchFrame(readings));
    }

    /** Readings stamped with the real time, which no test hub's clock is behind. */
    static List<Reading> valid(long... seqs) {
        List<Reading> readings = new ArrayList<>();
        for (long seq : seqs) {
            readings.add(new Reading(seq, System.currentTimeMillis(), Map.of("temperature", 20.0 + seq)));
        }
        return readings;
    }

    static List<Long> invalid(long... seqs) {
        return Arrays.stream(seqs).boxed().toList();
    }

    static long[] range(long from, long to) {
        return LongStream.rangeClosed(from, to).toArray();
    }

    static JsonNode listed(TestHub hub, String deviceId) {
        return hub.admin().get("/api/devices/" + deviceId).body();
    }

    static List<Long> rejectedSeqs(TestHub hub, String deviceId, String query) {
        List<Long> seqs = new ArrayList<>();
        hub.admin().get("/api/devices/" + deviceId + "/rejections?" + query).body().get("rejectedSeqs")
                .forEach(entry -> seqs.add(entry.get("seq").asLong()));
        return seqs;
    }
}
