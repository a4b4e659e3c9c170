package org.telemetryhub.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.MqttDevice;
import org.telemetryhub.hub.support.MqttDevice.PubAck;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;

/**
 * Below the free-space floor the hub takes no readings on any transport (devices are told to resend later), is not
 * ready, and says why in its log. The floor is set above any real disk's free space, so no disk is filled.
 */
class DiskFloorTest {

    static final ListAppender<ILoggingEvent> log = new ListAppender<>();
    static TestHub hub;
    static Api admin;

    @BeforeAll
    static void start() {
        log.start();
        ((Logger) LoggerFactory.getLogger(DiskSpace.class)).addAppender(log);
        Map<String, String> settings = new HashMap<>(TestHub.EMBEDDED_MQTT);
        settings.put("store.minFreeBytes", Long.toString(1L << 62));
        hub = TestHub.start(settings);
        admin = hub.admin();
    }

    @AfterAll
    static void stop() {
        hub.close();
        ((Logger) LoggerFactory.getLogger(DiskSpace.class)).detachAppender(log);
    }

    @Test
    void a_websocket_device_is_told_to_resend_later_and_nothing_is_stored() {
        Api.Device device = admin.provision("ws-on-full-disk");
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Readings.batch(1, 2, hub.clock.millis()));
            JsonNode error = client.next();

            assertEquals("error", error.get("type").asText());
            assertEquals("store_unavailable", error.get("error").asText());
            assertEquals("[1,2]", error.get("seqs").toString());
            assertEquals(10_000, error.get("retryAfterMs").asLong());
            assertEquals("the store's disk is below its free-space floor (store.minFreeBytes), so this frame "
                    + "(2 readings) is not stored; resend it after 10000 ms", error.get("message").asText());
        }
        assertEquals(0, hub.storedCount("ws-on-full-disk"));
    }

    @Test
    void http_ingest_gets_503_store_unavailable_with_retry_after() {
        Api.Device device = admin.provision("http-on-full-disk");

        Api.Answer answer = admin.ingest(device.id(), admin.ticket(device), Readings.one(1, hub.clock.millis()));

        assertEquals(503, answer.status());
        assertEquals("store_unavailable", answer.error());
        assertEquals("10", answer.raw().headers().firstValue("Retry-After").orElseThrow());
        assertEquals(0, hub.storedCount("http-on-full-disk"));
    }

    @Test
    void an_mqtt_publish_gets_store_unavailable_and_the_device_stays_connected_to_resend() {
        Api.Device device = admin.provision("mqtt-on-full-disk");
        try (MqttDevice client = MqttDevice.connect(hub.mqttPort(), device.id(), admin.ticket(device))) {
            PubAck refused = client.publish(Readings.one(1, hub.clock.millis()));

            assertEquals(new PubAck("UNSPECIFIED_ERROR", "store_unavailable"), refused);
            assertTrue(client.connected());
        }
        assertEquals(0, hub.storedCount("mqtt-on-full-disk"));
    }

    @Test
    void health_ready_answers_503_with_the_disk_low() {
        Api.Answer ready = hub.anonymous().get("/health/ready");

        assertEquals(503, ready.status());
        assertEquals("down", ready.body().get("status").asText());
        assertEquals("low", ready.body().get("components").get("disk").asText());
        assertEquals("up", ready.body().get("components").get("store").asText());
    }

    @Test
    void metrics_show_the_store_bytes_and_the_free_bytes() {
        String metrics = hub.anonymous().get("/metrics").body().get("raw").asText();

        assertTrue(gauge(metrics, "hub_store_disk_bytes") > 0, "the H2 file takes some bytes");
        assertTrue(gauge(metrics, "hub_store_disk_free_bytes") > 0);
    }

    @Test
    void the_log_says_why_readings_are_refused() {
        String line = log.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("event=disk_low")).findFirst().orElseThrow();

        assertTrue(line.contains("min_free_bytes=" + (1L << 62)), line);
        assertTrue(line.contains("new readings are refused with store_unavailable"), line);
    }

    static double gauge(String metrics, String name) {
        Matcher value = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(metrics);
        assertTrue(value.find(), name + " is not in /metrics");
        return Double.parseDouble(value.group(1));
    }
}
