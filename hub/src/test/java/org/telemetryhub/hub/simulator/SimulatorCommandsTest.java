package org.telemetryhub.hub.simulator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.TestHub;

/**
 * Simulated devices obey the hub over every transport, one device each over WebSocket, HTTP and MQTT:
 * {@code set_interval} changes how often they report, {@code reboot} answers and then reconnects, and
 * {@code desired.intervalMs} is applied and reported back.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(SimulatorRun.FLEET)
class SimulatorCommandsTest {

    @TempDir
    Path dir;

    @Test
    void simulated_devices_on_every_transport_obey_set_interval_reboot_and_their_desired_interval() {
        try (TestHub hub = TestHub.start(TestHub.EMBEDDED_MQTT)) {
            Api admin = hub.admin();
            CompletableFuture<SimulatorRun.Result> run = SimulatorRun.start(hub.url(), dir, "--devices", "3",
                    "--transport", "mixed", "--mqtt", "127.0.0.1:" + hub.mqttPort(), "--rate", "1",
                    "--duration", "20", "--quiet");
            List<String> devices = await().atMost(Duration.ofSeconds(15)).until(() -> online(admin),
                    ids -> ids.size() == 3);

            Map<String, String> setInterval = new HashMap<>();
            for (String device : devices) {
                setInterval.put(device, admin.post(commands(device), Map.of("name", "set_interval",
                        "args", Map.of("intervalMs", 200))).body().get("commandId").asText());
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> devices.stream().allMatch(device ->
                    admin.get(state(device)).body().path("reported").path("intervalMs").asInt() == 200));
            Map<String, Long> before = new HashMap<>();
            devices.forEach(device -> before.put(device, lastSeq(admin, device)));
            await().atMost(Duration.ofSeconds(10)).until(() -> devices.stream().allMatch(device ->
                    lastSeq(admin, device) >= before.get(device) + 10));
            Map<String, String> reboot = new HashMap<>();
            for (String device : devices) {
                reboot.put(device, admin.post(commands(device), Map.of("name", "reboot")).body().get("commandId")
                        .asText());
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> devices.stream().allMatch(device ->
                    status(admin, device, reboot.get(device)).equals("succeeded")));
            for (String device : devices) {
                admin.put(state(device) + "/desired", Map.of("intervalMs", 500), Map.of("If-Match", "\"0\""));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> devices.stream().allMatch(device ->
                    admin.get(state(device)).body().path("delta").isEmpty()));

            for (String device : devices) {
                JsonNode interval = admin.get(commands(device) + "/" + setInterval.get(device)).body();
                assertEquals("succeeded", interval.get("status").asText(), device);
                assertEquals(200, interval.get("result").get("intervalMs").asInt(), device);
                assertEquals(500, admin.get(state(device)).body().get("reported").get("intervalMs").asInt(), device);
            }
            assertEquals(0, run.orTimeout(90, TimeUnit.SECONDS).join().exitCode());
        }
    }

    private static String commands(String device) {
        return "/api/devices/" + device + "/commands";
    }

    private static String state(String device) {
        return "/api/devices/" + device + "/state";
    }

    private static List<String> online(Api admin) {
        List<String> online = new ArrayList<>();
        for (JsonNode device : admin.get("/api/devices").body().get("devices")) {
            if (device.get("online").asBoolean()) {
                online.add(device.get("deviceId").asText());
            }
        }
        return online;
    }

    private static long lastSeq(Api admin, String device) {
        return admin.get("/api/devices/" + device).body().get("lastSeq").asLong();
    }

    private static String status(Api admin, String device, String commandId) {
        return admin.get(commands(device) + "/" + commandId).body().get("status").asText();
    }
}
