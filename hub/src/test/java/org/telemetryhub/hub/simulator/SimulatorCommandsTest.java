package org.telemetryhub.hub.simulator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.TestHub;

/**
 * A simulated WebSocket device obeys the hub: {@code set_interval} changes how often it reports, {@code reboot}
 * answers and then reconnects, and {@code desired.intervalMs} is applied and reported back.
 */
class SimulatorCommandsTest {

    @TempDir
    Path dir;

    @Test
    void a_simulated_device_obeys_set_interval_reboot_and_its_desired_interval() {
        try (TestHub hub = TestHub.start()) {
            Api admin = hub.admin();
            CompletableFuture<SimulatorRun.Result> run = SimulatorRun.start(hub.url(), dir, "--devices", "1",
                    "--transport", "ws", "--rate", "1", "--duration", "20", "--quiet");
            String device = await().atMost(Duration.ofSeconds(15)).until(() -> online(admin), id -> id != null);
            String path = "/api/devices/" + device;

            String setInterval = admin.post(path + "/commands", Map.of("name", "set_interval",
                    "args", Map.of("intervalMs", 200))).body().get("commandId").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> admin.get(path + "/state").body()
                    .path("reported").path("intervalMs").asInt() == 200);
            long before = lastSeq(admin, device);
            await().atMost(Duration.ofSeconds(10)).until(() -> lastSeq(admin, device) >= before + 10);
            String reboot = admin.post(path + "/commands", Map.of("name", "reboot")).body().get("commandId")
                    .asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> status(admin, path, reboot).equals("succeeded"));
            admin.put(path + "/state/desired", Map.of("intervalMs", 500), Map.of("If-Match", "\"0\""));
            await().atMost(Duration.ofSeconds(15)).until(() -> admin.get(path + "/state").body()
                    .path("delta").isEmpty());

            JsonNode interval = admin.get(path + "/commands/" + setInterval).body();
            assertEquals("succeeded", interval.get("status").asText());
            assertEquals(200, interval.get("result").get("intervalMs").asInt());
            assertEquals(500, admin.get(path + "/state").body().get("reported").get("intervalMs").asInt());
            assertEquals(0, run.orTimeout(60, TimeUnit.SECONDS).join().exitCode());
        }
    }

    private static String online(Api admin) {
        for (JsonNode device : admin.get("/api/devices").body().get("devices")) {
            if (device.get("online").asBoolean()) {
                return device.get("deviceId").asText();
            }
        }
        return null;
    }

    private static long lastSeq(Api admin, String device) {
        for (JsonNode entry : admin.get("/api/devices").body().get("devices")) {
            if (entry.get("deviceId").asText().equals(device)) {
                return entry.get("lastSeq").asLong();
            }
        }
        return 0;
    }

    private static String status(Api admin, String path, String commandId) {
        return admin.get(path + "/commands/" + commandId).body().get("status").asText();
    }
}
