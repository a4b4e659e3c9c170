package org.telemetryhub.hub.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardClient;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.Mosquitto;
import org.telemetryhub.hub.support.MqttDevice;
import org.telemetryhub.hub.support.MqttDevice.PubAck;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;

/**
 * Devices on the embedded broker, with real MQTT clients: a PUBACK means stored, tickets guard every CONNECT, topic
 * rules hold, rejections reach the device, and MQTT readings meet the WebSocket ones in the same rooms. One hub with
 * a broker for the whole class: a broker takes about 4 s to stop.
 */
class EmbeddedMqttTest {

    static TestHub hub;
    static Api admin;
    static int port;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new HashMap<>(TestHub.EMBEDDED_MQTT);
        hub = TestHub.start(settings);
        admin = hub.admin();
        port = hub.mqttPort();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void an_mqtt5_device_publishes_readings_that_are_stored_and_reach_its_dashboard() {
        Api.Device device = admin.provision("mqtt-five");
        try (DashboardClient dashboard = hub.dashboard();
             MqttDevice client = MqttDevice.connect(port, device.id(), admin.ticket(device))) {
            dashboard.subscribe("mqtt-five", null);
            dashboard.next("subscribed");

            PubAck first = client.publish(Readings.one(1, hub.clock.millis()));
            PubAck batch = client.publish(Readings.batch(2, 9, hub.clock.millis()));

            assertEquals(new PubAck("SUCCESS", ""), first);
            assertTrue(batch.stored());
            assertEquals(10, hub.storedCount("mqtt-five"));
            await().atMost(Duration.ofSeconds(10)).until(() -> dashboard.offsets("mqtt-five").size() == 10);
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), dashboard.offsets("mqtt-five"));
        }
    }

    @Test
    void a_rejected_reading_gets_the_reason_code_and_the_verdict_and_the_mqtt5_device_stays_connected() {
        Api.Device device = admin.provision("mqtt-rejected");
        try (MqttDevice client = MqttDevice.connect(port, device.id(), admin.ticket(device))) {
            client.subscribeVerdicts();

            PubAck ack = client.publish("{\"type\":\"reading\",\"seq\":1,\"ts\":" + hub.clock.millis()
                    + ",\"metrics\":{\"t\":\"hot\"}}");
            JsonNode verdict = client.verdict(v -> true);

            assertEquals(new PubAck("PAYLOAD_FORMAT_INVALID", "invalid_metric_value"), ack);
            assertEquals("rejected", verdict.get("type").asText());
            assertEquals(1, verdict.get("seq").asLong());
            assertEquals("invalid_metric_value", verdict.get("error").asText());
            assertEquals(0, hub.storedCount("mqtt-rejected"));
            assertTrue(client.connected());
            assertTrue(client.publish(Readings.one(2, hub.clock.millis())).stored());
        }
    }

    @Test
    void a_rejected_reading_gets_a_plain_puback_and_the_verdict_for_an_mqtt311_device() {
        Api.Device device = admin.provision("mqtt-three");
        try (MqttDevice client = MqttDevice.connect311(port, device.id(), admin.ticket(device))) {
            client.subscribeVerdicts();

            PubAck ack = client.publish("{\"type\":\"reading\",\"seq\":1,\"ts\":1,\"metrics\":{\"t\":1}}");
            JsonNode verdict = client.verdict(v -> true);

            assertEquals(new PubAck("SUCCESS", ""), ack);
            assertEquals("invalid_ts", verdict.get("error").asText());
            assertEquals(0, hub.storedCount("mqtt-three"));
            assertTrue(client.connected());
            assertTrue(client.publish(Readings.one(2, hub.clock.millis())).stored());
            assertEquals(1, hub.storedCount("mqtt-three"));
        }
    }

    @Test
    void a_wrong_a_reused_and_no_ticket_are_refused_at_connack() {
        Api.Device device = admin.provision("mqtt-tickets");
        String ticket = admin.ticket(device);
        MqttDevice.connect(port, device.id(), ticket).close();

        assertEquals("BAD_USER_NAME_OR_PASSWORD", MqttDevice.refusal(port, device.id(), device.id(), "nope"));
        assertEquals("BAD_USER_NAME_OR_PASSWORD", MqttDevice.refusal(port, device.id(), device.id(), ticket));
        assertEquals("BAD_USER_NAME_OR_PASSWORD", MqttDevice.refusal(port, device.id(), null, null));
        assertEquals("CLIENT_IDENTIFIER_NOT_VALID",
                MqttDevice.refusal(port, "someone-else", device.id(), admin.ticket(device)));
    }

    @Test
    void publishing_to_another_devices_topic_gets_0x87_then_a_disconnect_and_stores_nothing() throws Exception {
        Api.Device device = admin.provision("mqtt-intruder");
        admin.provision("mqtt-victim");
        try (MqttDevice client = MqttDevice.connect(port, device.id(), admin.ticket(device))) {
            PubAck ack = client.publish(Topics.telemetry("mqtt-victim"), Readings.one(1, hub.clock.millis()), false);

            assertEquals("NOT_AUTHORIZED", ack.code());
            client.disconnected.get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> !client.connected());
            assertEquals(0, hub.storedCount("mqtt-victim"));
            assertEquals(0, hub.storedCount("mqtt-intruder"));
        }
    }

    @Test
    void mosquitto_pub_as_an_outside_mqtt5_client_publishes_a_stored_reading() {
        Api.Device device = admin.provision("mqtt-outside");
        try (DashboardClient dashboard = hub.dashboard()) {
            dashboard.subscribe("mqtt-outside", null);
            dashboard.next("subscribed");

            Mosquitto.Result published = Mosquitto.pub(port, List.of("-V", "mqttv5", "-q", "1",
                    "-i", device.id(), "-u", device.id(), "-P", admin.ticket(device),
                    "-t", Topics.telemetry(device.id()), "-m", Readings.one(1, hub.clock.millis())));

            assertEquals(0, published.exit(), published.output());
            assertEquals(1, hub.storedCount("mqtt-outside"));
            assertEquals(1, dashboard.next("reading").get("seq").asLong());
        }
    }

    @Test
    void an_mqtt311_device_publishing_to_another_devices_topic_loses_its_connection() throws Exception {
        Api.Device device = admin.provision("mqtt-three-intruder");
        admin.provision("mqtt-three-victim");
        try (MqttDevice client = MqttDevice.connect311(port, device.id(), admin.ticket(device))) {
            var ack = client.publishAsync(Topics.telemetry("mqtt-three-victim"), Readings.one(1, hub.clock.millis()),
                    false);

            client.disconnected.get(5, TimeUnit.SECONDS);
            assertTrue(ack.handle((a, failure) -> failure != null).get(5, TimeUnit.SECONDS), "no PUBACK");
            assertEquals(0, hub.storedCount("mqtt-three-victim"));
        }
    }

    @Test
    void retained_publishes_shared_subscriptions_and_other_devices_topics_are_not_authorized() throws Exception {
        Api.Device device = admin.provision("mqtt-rules");
        try (MqttDevice client = MqttDevice.connect(port, device.id(), admin.ticket(device))) {
            assertEquals("GRANTED_QOS_1", client.subscribe(Topics.verdicts(device.id())));
            assertEquals("GRANTED_QOS_1", client.subscribe("devices/mqtt-rules/#"));
            assertEquals("NOT_AUTHORIZED", client.subscribe("devices/+/verdicts"));
            assertEquals("NOT_AUTHORIZED", client.subscribe("devices/mqtt-other/verdicts"));
            assertEquals("NOT_AUTHORIZED", client.subscribe("$share/g/devices/mqtt-rules/verdicts"));
            assertEquals("NOT_AUTHORIZED", client.subscribe("#"));

            PubAck retained = client.publish(Topics.telemetry(device.id()), Readings.one(1, hub.clock.millis()), true);

            assertEquals("NOT_AUTHORIZED", retained.code());
            client.disconnected.get(5, TimeUnit.SECONDS);
            assertEquals(0, hub.storedCount("mqtt-rules"));
        }
    }

    @Test
    void frame_errors_and_conflicts_get_their_codes_and_verdicts() {
        Api.Device device = admin.provision("mqtt-errors");
        try (MqttDevice client = MqttDevice.connect(port, device.id(), admin.ticket(device))) {
            client.subscribeVerdicts();
            assertTrue(client.publish(Readings.one(1, hub.clock.millis())).stored());

            PubAck malformed = client.publish("{\"type\":\"reading\"");
            JsonNode error = client.verdict(v -> v.get("type").asText().equals("error"));
            PubAck conflict = client.publish(Readings.one(1, hub.clock.millis() - 1));
            JsonNode rejected = client.verdict(v -> v.get("type").asText().equals("rejected"));

            assertEquals(new PubAck("PAYLOAD_FORMAT_INVALID", "bad_message"), malformed);
            assertEquals("bad_message", error.get("error").asText());
            assertEquals(new PubAck("UNSPECIFIED_ERROR", "seq_conflict"), conflict);
            assertEquals("seq_conflict", rejected.get("error").asText());
            assertEquals(1, hub.storedCount("mqtt-errors"));
            assertTrue(client.connected());
        }
    }

    @Test
    void a_device_over_its_rate_or_its_payload_size_gets_quota_exceeded_and_the_frame_error() {
        Api.Device device = admin.provision("mqtt-quota");
        long now = hub.clock.millis();
        try (MqttDevice client = MqttDevice.connect(port, device.id(), admin.ticket(device))) {
            client.subscribeVerdicts();
            assertTrue(client.publish(Readings.batch(1, 500, now)).stored());
            assertTrue(client.publish(Readings.batch(501, 500, now)).stored());

            PubAck limited = client.publish(Readings.batch(1001, 500, now));
            JsonNode error = client.verdict(v -> v.path("error").asText().equals("rate_limited"));
            PubAck oversized = client.publish("x".repeat(256 * 1024 + 1));
            JsonNode tooLarge = client.verdict(v -> v.path("error").asText().equals("body_too_large"));
            PubAck farOversized = client.publish("x".repeat(3 * 256 * 1024));

            assertEquals(new PubAck("QUOTA_EXCEEDED", "rate_limited"), limited);
            assertEquals(500, error.get("seqs").size());
            assertTrue(error.get("retryAfterMs").asLong() > 0);
            assertEquals(new PubAck("QUOTA_EXCEEDED", "body_too_large"), oversized);
            assertEquals(new PubAck("QUOTA_EXCEEDED", "body_too_large"), farOversized, "a verdict, not a disconnect");
            assertEquals("error", tooLarge.get("type").asText());
            assertEquals(1000, hub.storedCount("mqtt-quota"));
            assertTrue(client.connected());
        }
    }

    @Test
    void a_resent_reading_is_acked_again_and_stored_once_whether_it_came_over_websocket_or_mqtt() {
        Api.Device device = admin.provision("mqtt-both");
        String frame = Readings.one(7, hub.clock.millis());
        try (DeviceClient socket = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device));
             MqttDevice client = MqttDevice.connect(port, device.id(), admin.ticket(device))) {
            socket.send(frame);
            socket.ack(7);

            PubAck again = client.publish(frame);
            PubAck third = client.publish(frame);

            assertTrue(again.stored());
            assertTrue(third.stored());
            assertEquals(1, hub.storedCount("mqtt-both"));
        }
    }

    @Test
    void revoking_a_device_disconnects_it_within_a_second_and_presence_follows_its_connection() throws Exception {
        Api.Device device = admin.provision("mqtt-revoked");
        try (DashboardClient dashboard = hub.dashboard()) {
            dashboard.subscribe("mqtt-revoked", null);
            dashboard.next("subscribed");
            MqttDevice client = MqttDevice.connect(port, device.id(), admin.ticket(device));
            assertEquals("online", dashboard.next("presence").get("state").asText());

            long revoked = System.nanoTime();
            assertEquals(204, admin.delete("/api/devices/mqtt-revoked").status());
            client.disconnected.get(1, TimeUnit.SECONDS);

            assertTrue(System.nanoTime() - revoked < TimeUnit.SECONDS.toNanos(1));
            assertEquals("offline", dashboard.next("presence").get("state").asText());
        }
    }

    @Test
    void an_mqtt_connection_counts_among_its_devices_four_and_is_replaced_when_it_is_the_oldest() throws Exception {
        Api.Device device = admin.provision("mqtt-crowded");
        MqttDevice oldest = MqttDevice.connect(port, device.id(), admin.ticket(device));
        List<DeviceClient> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                sockets.add(DeviceClient.connect(hub.deviceSocket(), admin.ticket(device)));
            }

            Throwable cause = oldest.disconnected.get(5, TimeUnit.SECONDS);
            assertEquals("replaced", ((Mqtt5DisconnectException) cause).getMqttMessage().getReasonString()
                    .map(Object::toString).orElse(null));
            sockets.forEach(socket -> assertFalse(socket.closed.isDone(), "the four sockets stay open"));
        } finally {
            sockets.forEach(DeviceClient::close);
        }
    }

    @Test
    void a_second_mqtt_client_of_a_device_takes_its_session_over_and_the_first_is_disconnected() throws Exception {
        Api.Device device = admin.provision("mqtt-taken-over");
        MqttDevice first = MqttDevice.connect(port, device.id(), admin.ticket(device));

        try (MqttDevice second = MqttDevice.connect(port, device.id(), admin.ticket(device))) {
            Throwable cause = first.disconnected.get(5, TimeUnit.SECONDS);

            assertEquals(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER,
                    ((Mqtt5DisconnectException) cause).getMqttMessage().getReasonCode());
            assertTrue(second.connected());
        }
    }

    @Test
    void health_shows_the_broker_up() {
        Api.Answer health = hub.anonymous().get("/health");

        assertEquals(200, health.status());
        assertEquals("up", health.body().get("status").asText());
        assertEquals("up", health.body().get("components").get("mqtt").asText());
    }
}
