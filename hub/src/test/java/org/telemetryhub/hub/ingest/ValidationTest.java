package org.telemetryhub.hub.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;

/** Every class of bad input gets its code and writes nothing; the hub keeps serving the other devices. */
class ValidationTest {

    static TestHub hub;
    static Api admin;
    static long now;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of(
                "namespaces.plant-a.ranges.temperature.min", "-40",
                "namespaces.plant-a.ranges.temperature.max", "85",
                "ingest.maxBodyBytes", "4096",
                "ingest.maxBatch", "5"));
        admin = hub.admin();
        now = hub.clock.millis();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static Stream<Arguments> badReadings() {
        long old = now - 31L * 86_400_000;
        return Stream.of(
                Arguments.of("missing ts", "{\"type\":\"reading\",\"seq\":1,\"metrics\":{\"t\":1}}", "invalid_ts"),
                Arguments.of("ts as text", "{\"type\":\"reading\",\"seq\":1,\"ts\":\"" + now + "\",\"metrics\":{\"t\":1}}",
                        "invalid_ts"),
                Arguments.of("ts before 2000", reading(1, 946_684_799_999L, "{\"t\":1}"), "invalid_ts"),
                Arguments.of("ts too far ahead", reading(1, now + 301_000, "{\"t\":1}"), "invalid_ts"),
                Arguments.of("ts too old", reading(1, old, "{\"t\":1}"), "invalid_ts"),
                Arguments.of("no metrics", "{\"type\":\"reading\",\"seq\":1,\"ts\":" + now + "}", "missing_metrics"),
                Arguments.of("empty metrics", reading(1, now, "{}"), "missing_metrics"),
                Arguments.of("metrics as array", reading(1, now, "[1,2]"), "missing_metrics"),
                Arguments.of("33 metrics", reading(1, now, manyMetrics(33)), "too_many_metrics"),
                Arguments.of("bad metric name", reading(1, now, "{\"<img src=x onerror=alert(1)>\":1}"),
                        "invalid_metric_name"),
                Arguments.of("metric as text", reading(1, now, "{\"t\":\"21.5\"}"), "invalid_metric_value"),
                Arguments.of("metric as boolean", reading(1, now, "{\"t\":true}"), "invalid_metric_value"),
                Arguments.of("metric null", reading(1, now, "{\"t\":null}"), "invalid_metric_value"),
                Arguments.of("metric overflowing a double", reading(1, now, "{\"t\":1e400}"), "invalid_metric_value"),
                Arguments.of("metric overflowing a double below", reading(1, now, "{\"t\":-1e400}"),
                        "invalid_metric_value"),
                Arguments.of("metric underflowing a double", reading(1, now, "{\"t\":1e-400}"),
                        "invalid_metric_value"),
                Arguments.of("metric underflowing a double below zero", reading(1, now, "{\"t\":-1e-400}"),
                        "invalid_metric_value"),
                Arguments.of("metric as object", reading(1, now, "{\"t\":{\"v\":1}}"), "invalid_metric_value"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badReadings")
    void a_bad_reading_is_rejected_with_its_code_and_nothing_is_stored(String name, String frame, String code)
            throws Exception {
        String deviceId = "bad-" + name.replace(' ', '-');
        Api.Device device = admin.provision(deviceId);

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(frame);
            JsonNode verdict = client.next();

            assertEquals("rejected", verdict.get("type").asText(), verdict.toString());
            assertEquals(1, verdict.get("seq").asLong());
            assertEquals(code, verdict.get("error").asText());
            assertTrue(verdict.get("message").asText().contains("seq 1"), verdict.toString());
        }
        assertEquals(0, stored(deviceId));
    }

    @Test
    void a_reading_outside_its_namespace_range_is_rejected() {
        Api.Device device = admin.provision("plant-a-sensor", "plant-a");

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(reading(1, now, "{\"temperature\":90.5}"));
            JsonNode verdict = client.next();

            assertEquals("metric_out_of_range", verdict.get("error").asText());
            assertEquals("reading.metrics.temperature must be in [-40.0, 85.0] in namespace plant-a, but was 90.5 "
                    + "(device plant-a-sensor, seq 1)", verdict.get("message").asText());
        }
        assertEquals(0, stored("plant-a-sensor"));
    }

    static Stream<Arguments> badFrames() {
        return Stream.of(
                Arguments.of("not json", "{\"type\":\"reading\",", "bad_message"),
                Arguments.of("trailing tokens", Readings.one(1, System.currentTimeMillis()) + " {}", "bad_message"),
                Arguments.of("duplicate keys", "{\"type\":\"reading\",\"seq\":1,\"seq\":2,\"ts\":1,\"metrics\":{}}",
                        "bad_message"),
                Arguments.of("top-level array", "[" + Readings.one(1, System.currentTimeMillis()) + "]", "bad_message"),
                Arguments.of("missing type", "{\"seq\":1}", "bad_message"),
                Arguments.of("unknown type", "{\"type\":\"telemetry\",\"seq\":1}", "bad_message"),
                Arguments.of("missing seq", "{\"type\":\"reading\",\"ts\":1,\"metrics\":{\"t\":1}}", "bad_message"),
                Arguments.of("seq zero", "{\"type\":\"reading\",\"seq\":0}", "bad_message"),
                Arguments.of("seq as text", "{\"type\":\"reading\",\"seq\":\"1\"}", "bad_message"),
                Arguments.of("seq fractional", "{\"type\":\"reading\",\"seq\":1.5}", "bad_message"),
                Arguments.of("seq beyond 2^53-1", "{\"type\":\"reading\",\"seq\":9007199254740992}", "bad_message"),
                Arguments.of("batch entry without seq", "{\"type\":\"batch\",\"readings\":["
                        + "{\"seq\":1,\"ts\":" + System.currentTimeMillis() + ",\"metrics\":{\"t\":1}},{\"ts\":1}]}",
                        "bad_message"),
                Arguments.of("batch without readings", "{\"type\":\"batch\"}", "bad_message"),
                Arguments.of("batch over the limit", Readings.batch(1, 6, System.currentTimeMillis()),
                        "batch_too_large"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFrames")
    void a_frame_that_cannot_be_tied_to_seqs_gets_an_error_and_stores_nothing(String name, String frame, String code) {
        String deviceId = "frame-" + name.replace(' ', '-').replace('^', '-');
        Api.Device device = admin.provision(deviceId);

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(frame);
            JsonNode error = client.next();

            assertEquals("error", error.get("type").asText(), error.toString());
            assertEquals(code, error.get("error").asText());
            assertTrue(error.get("message").asText().length() < 300, error.toString());
            client.send(Readings.one(7, hub.clock.millis()));
            client.ack(7);
        }
        assertEquals(1, stored(deviceId));
    }

    @Test
    void one_bad_reading_in_a_batch_rejects_only_that_reading() {
        Api.Device device = admin.provision("mixed-batch");
        String batch = "{\"type\":\"batch\",\"readings\":[" + body(1, now, "{\"t\":1}") + ","
                + body(2, now, "{\"t\":\"hot\"}") + "," + body(3, now, "{\"t\":3}") + "]}";

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(batch);
            JsonNode rejected = client.next(m -> m.get("type").asText().equals("rejected"));
            JsonNode ack = client.next(m -> m.get("type").asText().equals("ack"));

            assertEquals(2, rejected.get("seq").asLong());
            assertEquals("invalid_metric_value", rejected.get("error").asText());
            assertEquals(3, ack.get("seq").asLong());
        }
        assertEquals(2, stored("mixed-batch"));
    }

    @Test
    void a_binary_frame_closes_the_socket_with_1003() {
        Api.Device device = admin.provision("binary-sender");

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.sendBinary(new byte[] {1, 2, 3});

            assertEquals(1003, client.awaitClose());
        }
    }

    @Test
    void a_frame_over_the_size_limit_closes_the_socket_with_1009() {
        Api.Device device = admin.provision("big-sender");

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send("{\"type\":\"reading\",\"seq\":1,\"pad\":\"" + "x".repeat(5000) + "\"}");

            assertEquals(1009, client.awaitClose());
        }
        assertEquals(0, stored("big-sender"));
    }

    @Test
    void an_http_body_over_the_size_limit_gets_413() {
        Api.Device device = admin.provision("big-poster");

        Api.Answer answer = admin.ingest("big-poster", admin.ticket(device),
                "{\"type\":\"reading\",\"seq\":1,\"pad\":\"" + "x".repeat(5000) + "\"}");

        assertEquals(413, answer.status());
        assertEquals("body_too_large", answer.error());
        assertEquals(0, stored("big-poster"));
    }

    @Test
    void http_ingest_reports_rejections_with_their_codes() {
        Api.Device device = admin.provision("http-mixed");
        String batch = "{\"type\":\"batch\",\"readings\":[" + body(1, now, "{\"t\":1}") + ","
                + body(2, 0, "{\"t\":2}") + "]}";

        Api.Answer answer = admin.ingest("http-mixed", admin.ticket(device), batch);

        assertEquals(200, answer.status());
        assertEquals("[1]", answer.body().get("acked").toString());
        assertEquals(2, answer.body().get("rejected").get(0).get("seq").asLong());
        assertEquals("invalid_ts", answer.body().get("rejected").get(0).get("error").asText());
    }

    @Test
    void http_ingest_answers_a_malformed_body_with_400_bad_message() {
        Api.Device device = admin.provision("http-garbage");

        Api.Answer answer = admin.ingest("http-garbage", admin.ticket(device), "not json");

        assertEquals(400, answer.status());
        assertEquals("bad_message", answer.error());
    }

    static String reading(long seq, long ts, String metrics) {
        return "{\"type\":\"reading\"," + body(seq, ts, metrics).substring(1);
    }

    static String body(long seq, long ts, String metrics) {
        return "{\"seq\":" + seq + ",\"ts\":" + ts + ",\"metrics\":" + metrics + "}";
    }

    static String manyMetrics(int count) {
        StringBuilder metrics = new StringBuilder("{");
        for (int i = 0; i < count; i++) {
            metrics.append(i == 0 ? "" : ",").append("\"m").append(i).append("\":").append(i);
        }
        return metrics.append('}').toString();
    }

    static int stored(String deviceId) {
        return hub.storedCount(deviceId);
    }
}
