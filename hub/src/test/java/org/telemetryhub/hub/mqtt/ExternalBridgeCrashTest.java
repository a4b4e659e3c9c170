package org.telemetryhub.hub.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.HubProcess;
import org.telemetryhub.hub.support.Mosquitto;
import org.telemetryhub.hub.support.MqttDevice;
import org.telemetryhub.hub.support.MqttStreamer;
import org.telemetryhub.hub.support.StoreFile;

/**
 * The bridge acks the broker only after the commit: devices stream into a real Mosquitto while the hub (its own
 * process, external mode) is killed with SIGKILL mid-stream and restarted. Every reading the broker accepted must
 * end up stored exactly once: the broker's redeliveries of readings stored before the kill are absorbed as
 * duplicates (the summary counts them; how many depends on where the kill falls, so {@code ExternalBridgeTest}
 * checks the absorption itself with a delivery made twice on purpose).
 */
class ExternalBridgeCrashTest {

    static final String SECRET = "bridge-secret-for-crash-tests";
    static final int DEVICES = 8;
    static final int IN_FLIGHT = 20;
    /**
     * Readings per device. The broker's backlog for the hub stays far below 65,535 messages: Mosquitto 2.0 hands out
     * packet ids without checking which are still in flight, so a larger backlog can make it reuse one.
     */
    static final int READINGS = 1_500;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void every_reading_the_broker_accepted_is_stored_exactly_once_across_a_hub_kill() throws Exception {
        Map<String, String> users = new HashMap<>(Map.of("hub", SECRET));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            ids.add("bridged-" + i);
            users.put("bridged-" + i, "password-" + i);
        }
        Path store = dir.resolve("hub");
        try (Mosquitto broker = Mosquitto.start(dir.resolve("mosquitto"), users);
             HubProcess hub = HubProcess.start(store, Map.of("mqtt.mode", "external", "mqtt.brokerUrl", broker.url(),
                     "mqtt.brokerSecret", SECRET, "limits.deviceReadingsPerSecond", "1000000",
                     "limits.deviceBurst", "1000000"), Path.of("target", "crash-test", "bridge.log"))) {
            awaitBridge(hub);
            Api admin = hub.admin();
            long ts = System.currentTimeMillis();
            List<MqttStreamer> streamers = new ArrayList<>();
            for (int i = 0; i < DEVICES; i++) {
                Api.Device device = admin.provision(ids.get(i));
                streamers.add(new MqttStreamer(device, MqttDevice.connect(broker.port, device.id(), device.id(),
                        "password-" + i), ts, IN_FLIGHT, READINGS));
            }
            streamers.forEach(MqttStreamer::start);

            await().atMost(Duration.ofSeconds(60)).until(() -> metric(hub, "hub_readings_accepted_total") >= 2_000);
            hub.kill();
            long storedBeforeRestart = count(StoreFile.rows(store));
            await().atMost(Duration.ofSeconds(60)).until(() -> MqttStreamer.acked(streamers) == DEVICES * READINGS);
            streamers.forEach(MqttStreamer::stop);
            long brokerAccepted = MqttStreamer.acked(streamers);
            hub.start();
            awaitBridge(hub);
            await().atMost(Duration.ofSeconds(60)).until(() -> metric(hub, "hub_readings_accepted_total")
                    + storedBeforeRestart >= brokerAccepted);
            double accepted = metric(hub, "hub_readings_accepted_total");
            double duplicates = metric(hub, "hub_readings_duplicate_total");
            hub.kill();

            Map<String, Map<Long, Integer>> rows = StoreFile.rows(store);
            List<String> missing = new ArrayList<>();
            List<String> twice = new ArrayList<>();
            for (MqttStreamer streamer : streamers) {
                Map<Long, Integer> copies = rows.getOrDefault(streamer.identity.id(), Map.of());
                streamer.ackedAt.keySet().stream().filter(seq -> !copies.containsKey(seq))
                        .forEach(seq -> missing.add(streamer.identity.id() + "#" + seq));
                copies.forEach((seq, n) -> {
                    if (n != 1 || seq > streamer.made()) {
                        twice.add(streamer.identity.id() + "#" + seq + " x" + n);
                    }
                });
            }
            String summary = "bridge crash drill: " + brokerAccepted + " readings accepted by the broker, "
                    + storedBeforeRestart + " stored before the kill, " + (long) accepted + " stored after the "
                    + "restart, " + (long) duplicates + " redeliveries absorbed as duplicates, " + missing.size()
                    + " missing, " + twice.size() + " stored twice or never made";
            System.out.println(summary);

            assertEquals(List.of(), missing, summary);
            assertEquals(List.of(), twice, summary);
            assertEquals(count(rows), storedBeforeRestart + (long) accepted, summary);
            assertEquals(brokerAccepted, count(rows), summary);
        }
    }

    static void awaitBridge(HubProcess hub) {
        await().atMost(Duration.ofSeconds(30)).until(() -> get(hub, "/health").contains("\"mqtt\":\"up\""));
    }

    static String get(HubProcess hub, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(hub.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static long count(Map<String, Map<Long, Integer>> rows) {
        return rows.values().stream().mapToLong(seqs -> seqs.values().stream().mapToLong(n -> n).sum()).sum();
    }

    /** A counter's value from {@code /metrics}, 0 when it has no sample yet. */
    static double metric(HubProcess hub, String name) throws Exception {
        String text = get(hub, "/metrics");
        Matcher sample = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(text);
        return sample.find() ? Double.parseDouble(sample.group(1)) : 0;
    }
}
