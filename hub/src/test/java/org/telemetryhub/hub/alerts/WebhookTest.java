package org.telemetryhub.hub.alerts;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.hub.support.WebhookReceiver;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/** Webhooks: every alert change POSTed signed to its namespace's receivers, retried, then kept as a dead letter. */
class WebhookTest {

    static final String SECRET = "a-webhook-secret-of-some-length";

    static TestHub hub;
    static Api admin;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("alerts.webhooks.allowPrivate", "true", "alerts.webhooks.backoffMs", "10"));
        admin = hub.admin();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void each_change_of_an_alert_is_posted_signed_with_the_secret_and_a_delivery_id() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            Api.Device device = admin.provision("hooked-1", "hooked");
            webhook("hooked", receiver.url());
            rule("hooked");
            try (DeviceClient client = connect(device)) {
                send(client, 1, 120);
                await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
                long alertId = receiver.received().get(0).json().get("alert").get("alertId").asLong();
                assertEquals(200, admin.post("/api/alerts/" + alertId + "/ack", Map.of()).status());
                send(client, 2, 80);
                await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 3);
            }

            // deliveries go out side by side: their ids give the order of the changes
            List<WebhookReceiver.Received> received = receiver.received().stream()
                    .sorted(Comparator.comparingLong(r -> Long.parseLong(r.delivery()))).toList();
            assertEquals(List.of("opened", "acknowledged", "cleared"),
                    received.stream().map(r -> r.json().get("event").asText()).toList());
            assertEquals(List.of("open", "acknowledged", "cleared"),
                    received.stream().map(r -> r.json().get("alert").get("status").asText()).toList());
            for (WebhookReceiver.Received request : received) {
                assertEquals("sha256=" + hmac(SECRET, request.body()), request.signature());
            }
            assertEquals(3, received.stream().map(WebhookReceiver.Received::delivery).distinct().count());
            JsonNode cleared = received.get(2).json().get("alert");
            assertEquals("hooked-1", cleared.get("deviceId").asText());
            assertEquals(2, cleared.get("clearedOffset").asLong());
        }
    }

    @Test
    void a_delivery_that_keeps_failing_is_tried_nine_times_then_kept_as_a_dead_letter() {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.answer(500);
            Api.Device device = admin.provision("hooked-2", "failing");
            long webhookId = webhook("failing", receiver.url());
            rule("failing");
            try (DeviceClient client = connect(device)) {
                send(client, 1, 120);
            }

            JsonNode letters = await().atMost(Duration.ofSeconds(20)).until(
                    () -> admin.get("/api/webhooks/" + webhookId + "/dead-letters").body().get("deadLetters"),
                    list -> list.size() == 1);

            JsonNode letter = letters.get(0);
            assertEquals(9, receiver.received().size());
            assertEquals(1, receiver.received().stream().map(WebhookReceiver.Received::delivery).distinct().count());
            assertEquals(receiver.received().get(0).delivery(), letter.get("deliveryId").asText());
            assertEquals("opened", letter.get("event").asText());
            assertEquals("hooked-2", letter.get("alert").get("deviceId").asText());
            assertEquals(9, letter.get("attempts").asInt());
            assertEquals("HTTP 500", letter.get("lastError").asText());
        }
    }

    @Test
    void a_receiver_that_hangs_holds_up_no_reading() {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.hold();
            Api.Device device = admin.provision("hooked-3", "hanging");
            webhook("hanging", receiver.url());
            rule("hanging");

            try (DeviceClient client = connect(device)) {
                send(client, 1, 120);
                await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
                for (int seq = 2; seq <= 40; seq++) {
                    send(client, seq, seq % 2 == 1 ? 120 : 80);
                }
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> admin.get("/api/alerts?deviceId=hooked-3").body().get("alerts").size() == 20);
            }

            assertEquals("opened", receiver.received().get(0).json().get("event").asText());
            receiver.release();
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() >= 40);
        }
    }

    @Test
    void a_webhook_must_be_an_http_url_and_a_listed_webhook_never_shows_its_secret() {
        Api.Answer ftp = admin.post("/api/webhooks", Map.of("namespace", "n", "url", "ftp://example.com/x",
                "secret", SECRET));
        Api.Answer shortSecret = admin.post("/api/webhooks", Map.of("namespace", "n",
                "url", "http://127.0.0.1:1/x", "secret", "short"));
        long webhookId = webhook("listed", "http://127.0.0.1:1/x");

        assertEquals(400, ftp.status());
        assertEquals("invalid_webhook", ftp.error());
        assertEquals("url must be an http or https URL with a host and no user or fragment, but was "
                + "\"ftp://example.com/x\"", ftp.body().get("message").asText());
        assertEquals("secret must have 16 to 256 characters, but had 5", shortSecret.body().get("message").asText());
        String listed = admin.get("/api/webhooks").body().toString();
        assertTrue(listed.contains("{\"webhookId\":" + webhookId + ",\"namespace\":\"listed\",\"url\":"
                + "\"http://127.0.0.1:1/x\"}"), listed);
        assertTrue(!listed.contains(SECRET));
        assertEquals(204, admin.delete("/api/webhooks/" + webhookId).status());
        assertEquals("unknown_webhook", admin.delete("/api/webhooks/" + webhookId).error());
    }

    @Test
    void loopback_private_and_link_local_addresses_are_refused_unless_allowed() {
        try (TestHub guarded = TestHub.start()) {
            Api guardedAdmin = guarded.admin();
            for (String url : List.of("http://127.0.0.1:8080/x", "http://10.1.2.3/x", "http://192.168.0.9/x",
                    "http://169.254.169.254/latest", "http://[::1]/x", "http://[fd00::1]/x", "http://localhost/x")) {
                Api.Answer refused = guardedAdmin.post("/api/webhooks", Map.of("namespace", "n", "url", url,
                        "secret", SECRET));

                assertEquals(400, refused.status(), url);
                assertEquals("invalid_webhook", refused.error(), url);
                assertTrue(refused.body().get("message").asText().startsWith("url must not point at a loopback, "
                        + "private or link-local address (unless alerts.webhooks.allowPrivate is true)"), url);
            }
        }
    }

    private static long webhook(String namespace, String url) {
        Api.Answer answer = admin.post("/api/webhooks", Map.of("namespace", namespace, "url", url,
                "secret", SECRET));
        assertEquals(201, answer.status(), answer.body().toString());
        return answer.body().get("webhookId").asLong();
    }

    private static void rule(String namespace) {
        Api.Answer answer = admin.post("/api/alert-rules", Map.of("name", "overheat", "namespace", namespace,
                "metric", "temperature", "op", ">", "threshold", 100, "severity", "critical"));
        assertEquals(201, answer.status(), answer.body().toString());
    }

    private static DeviceClient connect(Api.Device device) {
        return DeviceClient.connect(hub.deviceSocket(), admin.ticket(device));
    }

    private static void send(DeviceClient client, long seq, double temperature) {
        client.send(Wire.readingFrame(new Reading(seq, hub.clock.millis(), Map.of("temperature", temperature))));
        client.ack(seq);
    }

    private static String hmac(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
