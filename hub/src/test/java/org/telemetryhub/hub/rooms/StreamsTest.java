package org.telemetryhub.hub.rooms;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/** SSE and long-poll resume from their cursor with no gap; history by time and in buckets; rejections. */
class StreamsTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static TestHub hub;
    static Api admin;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("limits.deviceReadingsPerSecond", "1000000", "limits.deviceBurst", "1000000"));
        admin = hub.admin();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void sse_resumes_after_its_last_event_id_with_no_gap() throws Exception {
        Api.Device device = admin.provision("sse-device");
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Readings.batch(1, 40, hub.clock.millis()));
            client.ack(40);

            List<String[]> first = sseEvents("sse-device", "0", 25);
            String lastId = first.get(first.size() - 1)[0];
            CompletableFuture<List<String[]>> resumed = CompletableFuture.supplyAsync(() -> sseEvents("sse-device", lastId, 25));
            client.send(Readings.batch(41, 10, hub.clock.millis()));
            client.ack(50);

            List<Long> ids = new ArrayList<>();
            first.forEach(e -> ids.add(Long.parseLong(e[0])));
            resumed.get().forEach(e -> ids.add(Long.parseLong(e[0])));
            assertEquals(LongStream.rangeClosed(1, 50).boxed().toList(), ids);
            JsonNode data = Api.JSON.readTree(first.get(0)[2]);
            assertEquals("reading", first.get(0)[1]);
            assertEquals("reading", data.get("type").asText());
            assertEquals(1, data.get("offset").asLong());
            assertEquals("sse-device", data.get("device").asText());
        }
    }

    @Test
    void sse_without_a_cursor_streams_what_comes_next() throws Exception {
        Api.Device device = admin.provision("sse-fresh");
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Readings.batch(1, 5, hub.clock.millis()));
            client.ack(5);

            CompletableFuture<List<String[]>> events = CompletableFuture.supplyAsync(() -> sseEvents("sse-fresh", null, 2));
            await().atMost(Duration.ofSeconds(5)).until(() -> streamsOpen() > 0);
            client.send(Readings.batch(6, 2, hub.clock.millis()));
            client.ack(7);

            assertEquals(List.of("6", "7"), events.get().stream().map(e -> e[0]).toList());
        }
    }

    @Test
    void long_poll_returns_at_once_when_readings_exist_and_waits_for_the_next_one_otherwise() throws Exception {
        Api.Device device = admin.provision("polled");
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Readings.batch(1, 5, hub.clock.millis()));
            client.ack(5);

            JsonNode ready = admin.get("/api/devices/polled/readings?after=2&waitMs=25000").body();
            CompletableFuture<Api.Answer> waiting = CompletableFuture.supplyAsync(
                    () -> admin.get("/api/devices/polled/readings?after=5&waitMs=25000"));
            client.send(Readings.one(6, hub.clock.millis()));
            client.ack(6);
            JsonNode woken = waiting.get().body();

            assertEquals(List.of(3L, 4L, 5L), offsets(ready));
            assertEquals(List.of(6L), offsets(woken));
            assertEquals(6, woken.get("readings").get(0).get("seq").asLong());
        }
        JsonNode empty = admin.get("/api/devices/polled/readings?after=6&waitMs=100").body();
        assertEquals(List.of(), offsets(empty));
    }

    @Test
    void history_by_time_returns_readings_in_offset_order() {
        Api.Device device = admin.provision("historic");
        long base = hub.clock.millis() - 600_000;
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Wire.batchFrame(List.of(reading(1, base, 1), reading(2, base + 60_000, 2),
                    reading(3, base + 120_000, 3))));
            client.ack(3);
        }

        JsonNode history = admin.get("/api/devices/historic/readings?from=" + (base + 1) + "&to=" + (base + 120_000))
                .body();

        assertEquals(List.of(2L), offsets(history));
    }

    @Test
    void buckets_cover_from_to_to_with_empty_buckets_as_gaps() {
        Api.Device device = admin.provision("bucketed");
        long start = (hub.clock.millis() - 3_600_000) / 60_000 * 60_000;
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Wire.batchFrame(List.of(reading(1, start + 1_000, 10), reading(2, start + 2_000, 20),
                    reading(3, start + 120_500, 5))));
            client.ack(3);
        }

        JsonNode buckets = admin.get("/api/devices/bucketed/readings?from=" + (start + 1_500) + "&to="
                + (start + 180_000) + "&bucketMs=60000").body().get("buckets");

        assertEquals(3, buckets.size());
        assertEquals(start, buckets.get(0).get("start").asLong());
        assertEquals(1, buckets.get(0).get("count").asLong(), "counting from 'from' on");
        assertEquals(20.0, buckets.get(0).get("metrics").get("temperature").get("avg").asDouble());
        assertEquals(0, buckets.get(1).get("count").asLong());
        assertTrue(buckets.get(1).get("metrics").isEmpty());
        assertEquals(5.0, buckets.get(2).get("metrics").get("temperature").get("min").asDouble());
    }

    @Test
    void bucket_averages_stay_finite_numbers_for_readings_at_the_largest_double() {
        Api.Device device = admin.provision("extreme");
        long start = (hub.clock.millis() - 3_600_000) / 60_000 * 60_000;
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Wire.batchFrame(List.of(reading(1, start + 1_000, Double.MAX_VALUE),
                    reading(2, start + 2_000, Double.MAX_VALUE), reading(3, start + 61_000, -Double.MAX_VALUE),
                    reading(4, start + 62_000, Double.MAX_VALUE))));
            client.ack(4);
        }

        JsonNode buckets = admin.get("/api/devices/extreme/readings?from=" + start + "&to=" + (start + 120_000)
                + "&bucketMs=60000").body().get("buckets");

        JsonNode high = buckets.get(0).get("metrics").get("temperature").get("avg");
        JsonNode mixed = buckets.get(1).get("metrics").get("temperature").get("avg");
        assertTrue(high.isNumber(), high.toString());
        assertEquals(Double.MAX_VALUE, high.asDouble());
        assertTrue(mixed.isNumber(), mixed.toString());
        assertEquals(0.0, mixed.asDouble());
    }

    @Test
    void the_rejections_endpoint_lists_the_latest_with_their_reasons() {
        Api.Device device = admin.provision("picky");
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send("{\"type\":\"reading\",\"seq\":1,\"ts\":" + hub.clock.millis()
                    + ",\"metrics\":{\"<img src=x onerror=alert(1)>\":1}}");
            client.next();
        }

        await().atMost(Duration.ofSeconds(5))
                .until(() -> admin.get("/api/devices/picky/rejections").body().get("rejections").size() == 1);
        JsonNode rejections = admin.get("/api/devices/picky/rejections").body().get("rejections");

        assertEquals(1, rejections.size());
        assertEquals("invalid_metric_name", rejections.get(0).get("error").asText());
        assertTrue(rejections.get(0).get("message").asText().contains("<img src=x onerror=alert(1)>"));
    }

    @Test
    void bad_cursors_and_windows_get_400_bad_message() {
        admin.provision("strict-history");

        assertEquals("bad_message", admin.get("/api/devices/strict-history/readings?after=-1").error());
        assertEquals("bad_message", admin.get("/api/devices/strict-history/readings?from=10&to=5").error());
        assertEquals("bad_message", admin.get("/api/devices/strict-history/readings?from=0&to=100000000000"
                + "&bucketMs=1").error());
    }

    static double streamsOpen() {
        for (String line : admin.get("/metrics").raw().body().split("\n")) {
            if (line.startsWith("hub_dashboards_open")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    static Reading reading(long seq, long ts, double temperature) {
        return new Reading(seq, ts, Map.of("temperature", temperature));
    }

    static List<Long> offsets(JsonNode answer) {
        List<Long> offsets = new ArrayList<>();
        answer.get("readings").forEach(r -> offsets.add(r.get("offset").asLong()));
        return offsets;
    }

    /** Reads {@code count} SSE events (id, event, data) resuming after a Last-Event-ID, then disconnects. */
    static List<String[]> sseEvents(String deviceId, String lastEventId, int count) {
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(hub.url() + "/api/devices/" + deviceId
                    + "/stream")).header("Authorization", "Bearer " + admin.token());
            if (lastEventId != null) {
                builder.header("Last-Event-ID", lastEventId);
            }
            HttpRequest request = builder.build();
            HttpResponse<java.io.InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals("text/event-stream; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
            List<String[]> events = new ArrayList<>();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String[] event = new String[3];
                String line;
                while (events.size() < count && (line = lines.readLine()) != null) {
                    if (line.startsWith("id: ")) {
                        event[0] = line.substring(4);
                    } else if (line.startsWith("event: ")) {
                        event[1] = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        event[2] = line.substring(6);
                    } else if (line.isEmpty() && event[1] != null) {
                        events.add(event);
                        event = new String[3];
                    }
                }
            }
            return events;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
