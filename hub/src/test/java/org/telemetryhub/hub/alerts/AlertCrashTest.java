package org.telemetryhub.hub.alerts;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.HubProcess;
import org.telemetryhub.hub.support.WebhookReceiver;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/**
 * A hub in its own process is killed with SIGKILL after a reading opened an alert and while its webhook delivery is
 * on the wire, before any checkpoint was saved. After the restart the reading is judged again: there must still be
 * exactly one open alert, and the delivery must reach the receiver.
 */
class AlertCrashTest {

    @TempDir
    Path store;

    @Test
    void a_kill_minus_nine_between_a_reading_and_its_webhook_leaves_one_open_alert_and_delivers_it_after_restart()
            throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start();
             HubProcess hub = HubProcess.start(store, Map.of("alerts.webhooks.allowPrivate", "true",
                     "alerts.webhooks.timeoutMs", "1000", "alerts.checkpointMs", "3600000"),
                     store.resolve("hub.log"))) {
            receiver.hold();
            Api admin = hub.admin();
            Api.Device device = admin.provision("furnace-1", "plant");
            admin.post("/api/webhooks", Map.of("namespace", "plant", "url", receiver.url(),
                    "secret", "a-webhook-secret-of-some-length"));
            admin.post("/api/alert-rules", Map.of("name", "overheat", "namespace", "plant", "metric", "temperature",
                    "op", ">", "threshold", 100, "severity", "critical"));
            try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
                client.send(Wire.readingFrame(new Reading(1, System.currentTimeMillis(),
                        Map.of("temperature", 120.0))));
                client.ack(1);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);

            hub.kill();
            int beforeRestart = receiver.received().size();
            receiver.release();
            hub.start();

            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() > beforeRestart);
            JsonNode alerts = hub.admin().get("/api/alerts?deviceId=furnace-1").body().get("alerts");
            assertEquals(1, alerts.size());
            assertEquals("open", alerts.get(0).get("status").asText());
            assertEquals(1, alerts.get(0).get("openedOffset").asLong());
            assertEquals(1, receiver.received().stream().map(WebhookReceiver.Received::delivery).distinct().count());
            assertEquals("opened", receiver.received().get(receiver.received().size() - 1).json().get("event")
                    .asText());
            assertEquals(List.of("replayed_readings=0", "replayed_readings=1"),
                    HubProcess.linesOfHealthyStarts(hub.log(), "event=alerts_started").stream()
                            .map(line -> line.substring(line.indexOf("replayed_readings="))).toList());
        }
    }
}
