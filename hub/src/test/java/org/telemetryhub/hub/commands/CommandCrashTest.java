package org.telemetryhub.hub.commands;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.HubProcess;

/**
 * A hub in its own process is killed with SIGKILL after it delivered a command and before the device answered it:
 * restarted on its store, it delivers the same command again, and the device's result is stored once.
 */
class CommandCrashTest {

    @TempDir
    Path store;

    @Test
    void a_command_delivered_before_kill_minus_nine_comes_again_and_its_result_is_stored_once() {
        try (HubProcess hub = HubProcess.start(store.resolve("store"), Map.of(), store.resolve("hub.log"))) {
            Api admin = hub.admin();
            Api.Device device = admin.provision("crash-actuator");
            String commandId = admin.post("/api/devices/crash-actuator/commands", Map.of("name", "reboot")).body()
                    .get("commandId").asText();
            try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
                assertEquals(commandId, client.next().get("commandId").asText());
                await().atMost(Duration.ofSeconds(10)).until(() -> status(admin, commandId).equals("delivered"));

                hub.kill();
            }
            hub.start();

            Api restarted = hub.admin();
            try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), restarted.ticket(device))) {
                JsonNode again = client.next();
                client.send(result(commandId));
                JsonNode ack = client.next();
                client.send(result(commandId));
                JsonNode second = client.next();

                assertEquals(commandId, again.get("commandId").asText());
                assertFalse(ack.has("error"), ack.toString());
                assertEquals("duplicate_result", second.get("error").asText());
            }
            JsonNode commands = restarted.get("/api/devices/crash-actuator/commands").body().get("commands");
            assertEquals(1, commands.size());
            assertEquals("succeeded", commands.get(0).get("status").asText());
            assertEquals(7, commands.get(0).get("result").get("uptimeMs").asInt());
        }
    }

    private static String status(Api admin, String commandId) {
        return admin.get("/api/devices/crash-actuator/commands/" + commandId).body().get("status").asText();
    }

    private static String result(String commandId) {
        return "{\"type\":\"command_result\",\"commandId\":\"" + commandId + "\",\"ok\":true,\"result\":{\"uptimeMs\":7}}";
    }
}
