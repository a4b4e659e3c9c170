package org.telemetryhub.hub.alerts;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardClient;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.OneHub;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/** Threshold rules with hysteresis and forMs on hub commit time, and an alert's life: open, acknowledged, cleared. */
class AlertsTest extends OneHub {

    @Test
    void a_reading_past_the_threshold_opens_one_alert_that_clears_only_past_the_clear_threshold() {
        Api.Device boiler = admin.provision("boiler-1", "hysteresis");
        long ruleId = rule(Map.of("name", "too hot", "namespace", "hysteresis", "metric", "temperature", "op", ">",
                "threshold", 30, "clearThreshold", 25, "severity", "critical"));

        try (DeviceClient device = connect(boiler)) {
            send(device, 1, 31.5);
            JsonNode opened = awaitAlert("boiler-1", a -> a.path("status").asText().equals("open"));
            send(device, 2, 35.0);
            send(device, 3, 28.0);
            send(device, 4, 24.0);

            JsonNode cleared = awaitAlert("boiler-1", a -> a.path("status").asText().equals("cleared"));
            assertEquals(opened.get("alertId"), cleared.get("alertId"));
            assertEquals(ruleId, cleared.get("ruleId").asLong());
            assertEquals("hysteresis", cleared.get("namespace").asText());
            assertEquals("temperature", cleared.get("metric").asText());
            assertEquals("critical", cleared.get("severity").asText());
            assertEquals(31.5, cleared.get("value").asDouble());
            assertEquals(1, cleared.get("openedOffset").asLong());
            assertEquals(4, cleared.get("clearedOffset").asLong());
            assertEquals(1, alerts("deviceId=boiler-1").size());
        }
    }

    @Test
    void a_condition_must_hold_for_forMs_of_hub_commit_time_and_starts_over_when_it_breaks_off() {
        Api.Device boiler = admin.provision("boiler-2", "timed");
        rule(Map.of("name", "hot for 10 s", "namespace", "timed", "metric", "temperature", "op", ">=",
                "threshold", 30, "forMs", 10_000, "severity", "warning"));

        try (DeviceClient device = connect(boiler)) {
            send(device, 1, 30.0);
            hub.clock.advance(6_000);
            send(device, 2, 29.0);
            send(device, 3, 31.0);
            hub.clock.advance(6_000);
            send(device, 4, 31.0);
            hub.clock.advance(4_000);
            send(device, 5, 31.0);

            JsonNode opened = awaitAlert("boiler-2", a -> true);
            assertEquals(5, opened.get("openedOffset").asLong());
            assertEquals(hub.clock.millis(), opened.get("openedAt").asLong());
        }
    }

    @Test
    void an_operator_acknowledges_an_open_alert_and_it_stays_active_until_it_clears() {
        Api.Device boiler = admin.provision("boiler-3", "acked");
        admin.post("/api/operators", Map.of("username", "acked-viewer", "password", "a-long-password",
                "role", "viewer", "namespaces", List.of("acked")));
        admin.post("/api/operators", Map.of("username", "other-viewer", "password", "a-long-password",
                "role", "viewer", "namespaces", List.of("elsewhere")));
        rule(Map.of("name", "cold", "deviceId", "boiler-3", "metric", "pressure", "op", "<", "threshold", 1.5,
                "severity", "info"));

        try (DeviceClient device = connect(boiler)) {
            send(device, 1, Map.of("pressure", 1.2));
            long alertId = awaitAlert("boiler-3", a -> true).get("alertId").asLong();

            Api.Answer refused = Api.signedIn(hub.url(), "other-viewer", "a-long-password")
                    .post("/api/alerts/" + alertId + "/ack", Map.of());
            Api.Answer acked = Api.signedIn(hub.url(), "acked-viewer", "a-long-password")
                    .post("/api/alerts/" + alertId + "/ack", Map.of());

            assertEquals(403, refused.status());
            assertEquals("forbidden", refused.error());
            assertEquals(200, acked.status());
            assertEquals("acknowledged", acked.body().get("status").asText());
            assertEquals("acked-viewer", acked.body().get("acknowledgedBy").asText());
            assertEquals(hub.clock.millis(), acked.body().get("acknowledgedAt").asLong());
            assertEquals(List.of(alertId), ids(alerts("status=active&deviceId=boiler-3")));

            send(device, 2, Map.of("pressure", 1.8));
            JsonNode cleared = awaitAlert("boiler-3", a -> a.path("status").asText().equals("cleared"));
            assertEquals("acked-viewer", cleared.get("acknowledgedBy").asText());
            assertEquals(2, cleared.get("clearedOffset").asLong());
        }
    }

    @Test
    void a_dashboard_sees_an_alert_right_after_the_reading_that_opened_it_and_a_new_subscription_gets_it_in_its_snapshot() {
        Api.Device boiler = admin.provision("boiler-5", "watched");
        rule(Map.of("name", "too hot", "namespace", "watched", "metric", "temperature", "op", ">", "threshold", 30,
                "severity", "critical"));
        try (DashboardClient room = hub.dashboard(); DashboardClient fleet = hub.dashboard();
             DeviceClient device = connect(boiler)) {
            room.subscribe("boiler-5", null);
            room.next("subscribed");
            fleet.send("{\"type\":\"subscribe\",\"namespace\":\"watched\"}");
            fleet.next("subscribed");

            send(device, 1, 35.0);

            JsonNode reading = room.next("reading");
            JsonNode alert = room.next(m -> !m.path("type").asText().equals("presence"));
            assertEquals(1, reading.get("offset").asLong());
            assertTrue(room.received().indexOf(reading) < room.received().indexOf(alert));
            assertEquals("alert", alert.get("type").asText());
            assertEquals("open", alert.get("status").asText());
            assertEquals("boiler-5", alert.get("deviceId").asText());
            assertEquals(1, alert.get("openedOffset").asLong());
            assertEquals(alert, fleet.next("alert"));
            try (DashboardClient late = hub.dashboard()) {
                late.subscribe("boiler-5", null);
                JsonNode snapshot = late.next("subscribed");
                assertEquals(1, snapshot.get("alerts").size());
                assertEquals(alert.get("alertId"), snapshot.get("alerts").get(0).get("alertId"));
            }
        }
    }

    @Test
    void alerts_are_listed_newest_first_a_page_at_a_time() {
        Api.Device boiler = admin.provision("boiler-4", "paged");
        rule(Map.of("name", "spike", "namespace", "paged", "metric", "temperature", "op", ">", "threshold", 50,
                "severity", "warning"));
        try (DeviceClient device = connect(boiler)) {
            for (int seq = 1; seq <= 6; seq += 2) {
                send(device, seq, 60.0);
                send(device, seq + 1, 40.0);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> alerts("deviceId=boiler-4&status=cleared").size() == 3);
        }

        Api.Answer first = admin.get("/api/alerts?namespace=paged&limit=2");
        Api.Answer second = admin.get("/api/alerts?namespace=paged&limit=2&after=" + first.body().get("next"));

        List<Long> all = ids(alerts("namespace=paged"));
        assertEquals(3, all.size());
        assertTrue(all.get(0) > all.get(1) && all.get(1) > all.get(2));
        assertEquals(all.subList(0, 2), ids(first.body().get("alerts")));
        assertEquals(all.subList(2, 3), ids(second.body().get("alerts")));
        assertTrue(second.body().get("next").isNull());
    }

    @Test
    void a_rule_must_name_exactly_one_scope_a_known_op_and_finite_numbers() {
        Map<String, Object> good = Map.of("name", "r", "namespace", "a", "metric", "m", "op", ">", "threshold", 1,
                "severity", "info");

        assertInvalid(with(good, "deviceId", "d"), "a rule must name exactly one of namespace and deviceId, but "
                + "named both");
        assertInvalid(with(good, "op", "=>"), "op must be one of >, >=, <, <=, but was \"=>\"");
        assertInvalid(with(good, "threshold", "1"), "threshold must be a finite number, but was \"1\"");
        assertInvalid(with(good, "clearThreshold", 2), "clearThreshold must be at most threshold (1.0) for op >, "
                + "but was 2");
        assertInvalid(with(good, "metric", "bad metric"), "metric must match [A-Za-z0-9][A-Za-z0-9_.-]{0,63}, but "
                + "was \"bad metric\"");
        assertInvalid(Map.of("name", "r", "kind", "silence", "namespace", "a", "metric", "m", "forMs", 5_000,
                "severity", "info"), "metric is not a field of a silence rule (its fields are deviceId, forMs, kind, "
                + "name, namespace, severity)");
    }

    @Test
    void a_rule_is_read_replaced_and_deleted_by_its_id_and_an_unknown_id_is_unknown_rule() {
        long ruleId = rule(Map.of("name", "first", "namespace", "crud", "metric", "m", "op", "<=", "threshold", 3,
                "severity", "info"));

        Api.Answer replaced = admin.put("/api/alert-rules/" + ruleId, Map.of("name", "second", "deviceId", "d-1",
                "kind", "silence", "forMs", 60_000, "severity", "critical"));
        Api.Answer read = admin.get("/api/alert-rules/" + ruleId);
        Api.Answer deleted = admin.delete("/api/alert-rules/" + ruleId);
        Api.Answer gone = admin.get("/api/alert-rules/" + ruleId);

        assertEquals(200, replaced.status());
        assertEquals(replaced.body(), read.body());
        assertEquals("{\"ruleId\":" + ruleId + ",\"name\":\"second\",\"kind\":\"silence\",\"deviceId\":\"d-1\","
                + "\"forMs\":60000,\"severity\":\"critical\"}", read.body().toString());
        assertEquals(204, deleted.status());
        assertEquals(404, gone.status());
        assertEquals("unknown_rule", gone.error());
        assertEquals("unknown_rule", admin.delete("/api/alert-rules/" + ruleId).error());
        assertEquals("unknown_rule", admin.get("/api/alert-rules/x").error());
    }

    // --- helpers

    private static long rule(Map<String, Object> body) {
        Api.Answer answer = admin.post("/api/alert-rules", body);
        assertEquals(201, answer.status(), answer.body().toString());
        return answer.body().get("ruleId").asLong();
    }

    private static void assertInvalid(Map<String, Object> body, String message) {
        Api.Answer answer = admin.post("/api/alert-rules", body);
        assertEquals(400, answer.status());
        assertEquals("invalid_rule", answer.error());
        assertEquals(message, answer.body().get("message").asText());
    }

    private static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(body);
        copy.put(field, value);
        return copy;
    }

    private static DeviceClient connect(Api.Device device) {
        return DeviceClient.connect(hub.deviceSocket(), admin.ticket(device));
    }

    private static void send(DeviceClient device, long seq, double temperature) {
        send(device, seq, Map.of("temperature", temperature));
    }

    private static void send(DeviceClient device, long seq, Map<String, Double> metrics) {
        device.send(Wire.readingFrame(new Reading(seq, hub.clock.millis(), metrics)));
        device.ack(seq);
    }

    private static JsonNode awaitAlert(String deviceId, java.util.function.Predicate<JsonNode> wanted) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<JsonNode> found = alerts("deviceId=" + deviceId);
            return found.isEmpty() || !wanted.test(found.get(0)) ? null : found.get(0);
        }, found -> found != null);
    }

    private static List<JsonNode> alerts(String query) {
        Api.Answer answer = admin.get("/api/alerts?" + query);
        assertEquals(200, answer.status(), answer.body().toString());
        return toList(answer.body().get("alerts"));
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> list = new java.util.ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    private static List<Long> ids(JsonNode alerts) {
        return ids(toList(alerts));
    }

    private static List<Long> ids(List<JsonNode> alerts) {
        return alerts.stream().map(a -> a.get("alertId").asLong()).toList();
    }
}
