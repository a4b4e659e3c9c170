package org.telemetryhub.hub.alerts;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardClient;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.hub.support.TwoNodes;
import org.telemetryhub.hub.support.WebhookReceiver;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/**
 * Two hub nodes on one PostgreSQL store both judge every reading (their own, and the other's from the shared feed):
 * each crossing of a threshold still raises one alert, a dashboard on either node sees it, and both nodes' webhook
 * senders together deliver each change once.
 */
class AlertsOnTwoNodesTest {

    static TwoNodes nodes;
    static TestHub first;
    static TestHub second;

    @BeforeAll
    static void start() {
        nodes = TwoNodes.start(Map.of("alerts.webhooks.allowPrivate", "true"));
        first = nodes.first;
        second = nodes.second;
    }

    @AfterAll
    static void stop() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void each_crossing_raises_one_alert_whichever_node_stores_the_reading_and_both_nodes_dashboards_see_it() {
        Api admin = first.admin();
        Api.Device device = admin.provision("twin-1", "twins");
        WebhookReceiver receiver = WebhookReceiver.start();
        admin.post("/api/webhooks", Map.of("namespace", "twins", "url", receiver.url(),
                "secret", "a-webhook-secret-of-some-length"));
        admin.post("/api/alert-rules", Map.of("name", "overheat", "namespace", "twins", "metric", "temperature",
                "op", ">", "threshold", 100, "severity", "critical"));
        await().atMost(Duration.ofSeconds(10)).until(() -> second.admin().get("/api/alert-rules").body()
                .get("rules").size() == 1);
        try (receiver; DashboardClient onFirst = first.dashboard(); DashboardClient onSecond = second.dashboard()) {
            onFirst.send("{\"type\":\"subscribe\",\"namespace\":\"twins\"}");
            onSecond.send("{\"type\":\"subscribe\",\"namespace\":\"twins\"}");
            onFirst.next("subscribed");
            onSecond.next("subscribed");

            long seq = 1;
            for (TestHub node : List.of(first, second, first, second)) {
                try (DeviceClient client = DeviceClient.connect(node.deviceSocket(), node.admin().ticket(device))) {
                    send(node, client, seq++, 120);
                    send(node, client, seq++, 130);
                    send(node, client, seq++, 80);
                }
            }

            JsonNode alerts = await().atMost(Duration.ofSeconds(10)).until(
                    () -> admin.get("/api/alerts?deviceId=twin-1&status=cleared").body().get("alerts"),
                    found -> found.size() == 4);
            assertEquals(alerts, admin.get("/api/alerts?deviceId=twin-1").body().get("alerts"));
            List<Long> opened = new ArrayList<>();
            alerts.forEach(alert -> opened.add(alert.get("openedOffset").asLong()));
            assertEquals(List.of(10L, 7L, 4L, 1L), opened);
            // another node's alert travels as its id and is read from the store: a dashboard may see it cleared
            // already in answer to its opening, and then again
            for (DashboardClient dashboard : List.of(onFirst, onSecond)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> dashboard.received().stream()
                        .filter(m -> m.path("type").asText().equals("alert"))
                        .filter(m -> m.path("status").asText().equals("cleared"))
                        .map(m -> m.get("alertId").asLong()).distinct().count() == 4);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() >= 8);
            assertEquals(8, receiver.received().stream().map(WebhookReceiver.Received::delivery).distinct().count());
            assertEquals(8, receiver.received().size());
        }
    }

    private static void send(TestHub node, DeviceClient client, long seq, double temperature) {
        client.send(Wire.readingFrame(new Reading(seq, node.clock.millis(), Map.of("temperature", temperature))));
        client.ack(seq);
    }
}
