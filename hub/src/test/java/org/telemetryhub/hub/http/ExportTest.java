package org.telemetryhub.hub.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/** {@code GET /api/devices/{id}/export}: a device's readings of a time range as CSV or NDJSON, streamed. */
class ExportTest {

    static final long T0 = 1_764_057_600_000L;
    static TestHub hub;
    static Api admin;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("limits.deviceReadingsPerSecond", "100000", "limits.deviceBurst", "100000",
                "ingest.maxAgeMs", String.valueOf(10L * 365 * 86_400_000)));
        admin = hub.admin();
        Api.Device device = admin.provision("exported");
        send(device, List.of(new Reading(1, T0, Map.of("temperature", 21.5)),
                new Reading(2, T0 + 1_000, Map.of("temperature", 21.75, "humidity", 40.0)),
                new Reading(4, T0 + 2_000, Map.of("humidity", 41.0)),
                new Reading(3, T0 + 3_000, Map.of("temperature", 22.0))));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void csv_has_offset_seq_ts_and_a_column_per_metric_even_for_one_that_appears_later() {
        HttpResponse<String> csv = admin.get("/api/devices/exported/export?from=" + T0 + "&to=" + (T0 + 3_000)
                + "&format=csv").raw();

        assertEquals(200, csv.statusCode());
        assertEquals("text/csv; charset=utf-8", csv.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("attachment; filename=\"exported_" + T0 + "-" + (T0 + 3_000) + ".csv\"",
                csv.headers().firstValue("Content-Disposition").orElseThrow());
        assertEquals("""
                offset,seq,ts,humidity,temperature
                1,1,%d,,21.5
                2,2,%d,40.0,21.75
                3,4,%d,41.0,
                """.formatted(T0, T0 + 1_000, T0 + 2_000), csv.body());
    }

    @Test
    void ndjson_has_one_reading_per_line_as_history_shows_it() {
        HttpResponse<String> ndjson = admin.get("/api/devices/exported/export?from=" + (T0 + 2_000) + "&to="
                + (T0 + 4_000) + "&format=ndjson").raw();

        assertEquals("application/x-ndjson; charset=utf-8",
                ndjson.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("""
                {"offset":3,"seq":4,"ts":%d,"metrics":{"humidity":41.0}}
                {"offset":4,"seq":3,"ts":%d,"metrics":{"temperature":22.0}}
                """.formatted(T0 + 2_000, T0 + 3_000), ndjson.body());
    }

    @Test
    void a_large_export_is_streamed_without_a_length_known_in_advance() {
        Api.Device device = admin.provision("exported-large");
        for (int first = 1; first <= 5_000; first += 500) {
            List<Reading> batch = new ArrayList<>();
            for (int seq = first; seq < first + 500; seq++) {
                batch.add(new Reading(seq, T0 + seq, Map.of("temperature", seq / 10.0, "humidity", 40.0)));
            }
            send(device, batch);
        }

        HttpResponse<String> csv = admin.get("/api/devices/exported-large/export?from=" + T0 + "&to="
                + (T0 + 10_000)).raw();

        assertEquals(5_001, csv.body().lines().count(), "a header and every reading");
        assertTrue(csv.headers().firstValue("Content-Length").isEmpty(), csv.headers().toString());
    }

    @Test
    void a_bad_format_or_range_is_refused_with_the_rule() {
        Api.Answer format = admin.get("/api/devices/exported/export?from=0&to=1&format=xlsx");
        Api.Answer range = admin.get("/api/devices/exported/export?from=5&to=5");

        assertEquals(400, format.status());
        assertEquals("format must be csv or ndjson, but was \"xlsx\"", format.body().get("message").asText());
        assertEquals("to must be after from, but was 5 <= 5", range.body().get("message").asText());
    }

    @Test
    void a_viewer_exports_only_the_devices_of_its_namespaces() {
        admin.post("/api/operators", Map.of("username", "export-viewer", "password", "viewer-password-1",
                "role", "viewer", "namespaces", List.of("elsewhere")));
        Api viewer = Api.signedIn(hub.url(), "export-viewer", "viewer-password-1");

        assertEquals(403, viewer.get("/api/devices/exported/export?from=0&to=1").status());
        assertEquals(401, hub.anonymous().get("/api/devices/exported/export?from=0&to=1").status());
    }

    static void send(Api.Device device, List<Reading> readings) {
        JsonNode answer = admin.ingest(device.id(), admin.ticket(device), Wire.batchFrame(readings)).body();
        assertEquals(readings.size(), answer.get("acked").size(), answer.toString());
    }
}
