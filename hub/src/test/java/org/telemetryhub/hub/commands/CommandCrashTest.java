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
import org.telemetryhub.hub.mqtt.Topics;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.FreePort;
import org.telemetryhub.hub.support.HubProcess;
import org.telemetryhub.hub.support.MqttDevice;
import org.telemetryhub.hub.support.MqttDevice.PubAck;

/**
 * A hub in its own process is killed with SIGKILL after it delivered a command and before the device answered it:
 * restarted on its store, it delivers the same command again, and the device's result is stored once; over a
 * WebSocket, an HTTP long-poll and the embedded MQTT broker.
 */
class CommandCrashTest {

    @TempDir
    Path store;

    @Test
    void a_command_delivered_before_kill_minus_nine_comes_again_and_its_result_is_stored_once() {
        try (HubProcess hub = HubProcess.start(store.resolve("store"), Map.of(), store.resolve("hub.log"))) {
            Api admin = hub.admin();
            Api.Device device = admin.provision("crash-actuator");
            String commandId = queuedReboot(admin);
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
            assertStoredOnce(restarted);
        }
    }

    @Test
    void a_command_an_http_poll_took_before_kill_minus_nine_is_polled_again_and_its_result_is_stored_once() {
        try (HubProcess hub = HubProcess.start(store.resolve("store"), Map.of(), store.resolve("hub.log"))) {
            Api admin = hub.admin();
            Api.Device device = admin.provision("crash-actuator");
            String commandId = queuedReboot(admin);
            assertEquals(commandId, poll(admin.withBearer(admin.ticket(device))).get("commandId").asText());
            assertEquals("delivered", status(admin, commandId));

            hub.kill();
            hub.start();

            Api restarted = hub.admin();
            Api http = restarted.withBearer(restarted.ticket(device));
            JsonNode again = poll(http);
            String path = "/api/devices/crash-actuator/commands/" + commandId + "/result";
            Api.Answer stored = http.post(path, Map.of("ok", true, "result", Map.of("uptimeMs", 7)));
            Api.Answer twice = http.post(path, Map.of("ok", true));

            assertEquals(commandId, again.get("commandId").asText());
            assertEquals(200, stored.status());
            assertEquals("duplicate_result", twice.error());
            assertStoredOnce(restarted);
        }
    }

    @Test
    void a_command_an_mqtt_device_got_before_kill_minus_nine_comes_again_and_its_result_is_stored_once() {
        // the broker's port stays the same across the restart, as a device is configured with it once
        Map<String, String> mqtt = Map.of("mqtt.mode", "embedded", "mqtt.port", Integer.toString(FreePort.any()));
        try (HubProcess hub = HubProcess.start(store.resolve("store"), mqtt, store.resolve("hub.log"))) {
            int port = Integer.parseInt(mqtt.get("mqtt.port"));
            Api admin = hub.admin();
            Api.Device device = admin.provision("crash-actuator");
            String commandId = queuedReboot(admin);
            String commands = Topics.of(device.id(), Topics.COMMANDS);
            try (MqttDevice client = MqttDevice.connect(port, device.id(), admin.ticket(device))) {
                client.subscribe(commands);
                assertEquals(commandId, command(client).get("commandId").asText());
                await().atMost(Duration.ofSeconds(10)).until(() -> status(admin, commandId).equals("delivered"));

                hub.kill();
            }
            hub.start();

            Api restarted = hub.admin();
            try (MqttDevice client = MqttDevice.connect(port, device.id(), restarted.ticket(device))) {
                client.subscribe(commands);
                JsonNode again = command(client);
                String results = Topics.of(device.id(), Topics.COMMAND_RESULTS);
                PubAck stored = client.publish(results, result(commandId), false);
                PubAck twice = client.publish(results, result(commandId), false);

                assertEquals(commandId, again.get("commandId").asText());
                assertEquals(new PubAck("SUCCESS", ""), stored);
                assertEquals(new PubAck("UNSPECIFIED_ERROR", "duplicate_result"), twice);
            }
            assertStoredOnce(restarted);
        }
    }

    private static String queuedReboot(Api admin) {
        return admin.post("/api/devices/crash-actuator/commands", Map.of("name", "reboot")).body().get("commandId")
                .asText();
    }

    private static JsonNode poll(Api device) {
        JsonNode commands = device.get("/api/devices/crash-actuator/commands/pending?waitMs=10000").body()
                .get("commands");
        assertEquals(1, commands.size(), commands.toString());
        return commands.get(0);
    }

    private static JsonNode command(MqttDevice client) {
        return client.verdict(message -> message.path("type").asText().equals("command"));
    }

    private static void assertStoredOnce(Api admin) {
        JsonNode commands = admin.get("/api/devices/crash-actuator/commands").body().get("commands");
        assertEquals(1, commands.size());
        assertEquals("succeeded", commands.get(0).get("status").asText());
        assertEquals(7, commands.get(0).get("result").get("uptimeMs").asInt());
    }

    private static String status(Api admin, String commandId) {
        return admin.get("/api/devices/crash-actuator/commands/" + commandId).body().get("status").asText();
    }

    private static String result(String commandId) {
        return "{\"type\":\"command_result\",\"commandId\":\"" + commandId + "\",\"ok\":true,\"result\":{\"uptimeMs\":7}}";
    }
}
