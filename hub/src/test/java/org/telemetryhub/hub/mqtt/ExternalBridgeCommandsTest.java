package org.telemetryhub.hub.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.Mosquitto;
import org.telemetryhub.hub.support.MqttDevice;
import org.telemetryhub.hub.support.MqttDevice.PubAck;
import org.telemetryhub.hub.support.TestHub;

/**
 * Commands and state through a real Mosquitto: the bridge publishes commands and deltas to devices that are online by
 * their presence, stores their results and reports once, and answers them on the device's verdict topic.
 */
class ExternalBridgeCommandsTest {

    static final List<String> DEVICES = List.of("extc-actuator", "extc-rejoin", "extc-mallory", "extc-victim",
            "extc-shadow");

    @TempDir
    static Path dir;
    static BridgedHub bridged;
    static Mosquitto broker;
    static TestHub hub;
    static Api admin;

    @BeforeAll
    static void start() {
        bridged = BridgedHub.start(dir, DEVICES);
        broker = bridged.broker;
        hub = bridged.hub;
        admin = bridged.admin;
    }

    @AfterAll
    static void stop() {
        bridged.close();
    }

    @Test
    void a_command_queued_while_the_device_is_offline_is_delivered_when_it_comes_online_and_its_result_stored_once() {
        String commandId = command("extc-actuator", "reboot");

        try (MqttDevice device = onlineDevice("extc-actuator", Topics.COMMANDS)) {
            JsonNode command = device.verdict(m -> m.path("type").asText().equals("command"));
            await().atMost(Duration.ofSeconds(10)).until(() -> status("extc-actuator", commandId).equals("delivered"));
            String result = "{\"type\":\"command_result\",\"commandId\":\"" + commandId + "\",\"ok\":true}";
            PubAck first = device.publish(Topics.of("extc-actuator", Topics.COMMAND_RESULTS), result, false);
            JsonNode stored = device.verdict(m -> m.path("type").asText().equals("command_ack"));
            device.publish(Topics.of("extc-actuator", Topics.COMMAND_RESULTS), result, false);
            JsonNode again = device.verdict(m -> m.path("type").asText().equals("command_ack"));

            assertEquals(commandId, command.get("commandId").asText());
            assertEquals("reboot", command.get("name").asText());
            assertEquals(new PubAck("SUCCESS", ""), first);
            assertEquals("{\"type\":\"command_ack\",\"commandId\":\"" + commandId + "\"}", stored.toString());
            assertEquals("duplicate_result", again.path("error").asText());
        }
        assertEquals("succeeded", status("extc-actuator", commandId));
    }

    @Test
    void a_device_that_reconnects_gets_its_unanswered_command_again_when_it_says_online_again() {
        String commandId = command("extc-rejoin", "reboot");
        try (MqttDevice first = onlineDevice("extc-rejoin", Topics.COMMANDS)) {
            first.verdict(m -> m.path("type").asText().equals("command"));
            await().atMost(Duration.ofSeconds(10)).until(() -> status("extc-rejoin", commandId).equals("delivered"));
        }

        // a clean disconnect sends no will: the retained presence is still online when the device says it again
        try (MqttDevice second = onlineDevice("extc-rejoin", Topics.COMMANDS)) {
            JsonNode again = second.verdict(m -> m.path("type").asText().equals("command"));

            assertEquals(commandId, again.get("commandId").asText());
        }
    }

    @Test
    void a_device_cannot_answer_another_devices_command_on_its_topic_or_its_own() {
        // Mosquitto 2.0.11 refuses the publish with PUBACK 0x87, and a HiveMQ client's connection ends right after
        // it, so the refused publish is mosquitto_pub's, which reports the refusal
        String victims = command("extc-victim", "unlock");
        String result = "{\"type\":\"command_result\",\"commandId\":\"" + victims + "\",\"ok\":true}";

        Mosquitto.Result onVictimsTopic = Mosquitto.pub(broker.port, List.of("-V", "mqttv5", "-q", "1",
                "-i", "extc-mallory", "-u", "extc-mallory", "-P", BridgedHub.password("extc-mallory"),
                "-t", Topics.of("extc-victim", Topics.COMMAND_RESULTS), "-m", result));
        try (MqttDevice mallory = onlineDevice("extc-mallory", Topics.COMMANDS)) {
            mallory.publish(Topics.of("extc-mallory", Topics.COMMAND_RESULTS), result, false);
            JsonNode onOwnTopic = mallory.verdict(m -> m.path("type").asText().equals("command_ack"));

            assertTrue(onVictimsTopic.output().contains("Not authorized"), onVictimsTopic.output());
            assertEquals("unknown_command", onOwnTopic.path("error").asText());
        }
        assertEquals("queued", status("extc-victim", victims));
    }

    @Test
    void a_device_hears_its_delta_when_it_comes_online_and_after_a_desired_change_and_reports_its_state() {
        admin.put("/api/devices/extc-shadow/state/desired", Map.of("intervalMs", 2000), Map.of("If-Match", "\"0\""));

        try (MqttDevice device = onlineDevice("extc-shadow", Topics.STATE_DELTA)) {
            JsonNode online = device.verdict(m -> m.path("type").asText().equals("state_delta"));
            admin.put("/api/devices/extc-shadow/state/desired", Map.of("intervalMs", 5000),
                    Map.of("If-Match", "\"1\""));
            JsonNode changed = device.verdict(m -> m.path("type").asText().equals("state_delta"));
            device.publish(Topics.of("extc-shadow", Topics.STATE_REPORTED),
                    "{\"type\":\"state\",\"reported\":{\"intervalMs\":5000}}", false);
            JsonNode reported = device.verdict(m -> m.path("type").asText().equals("state_ack"));

            assertEquals("{\"type\":\"state_delta\",\"desiredVersion\":1,\"delta\":{\"intervalMs\":2000}}",
                    online.toString());
            assertEquals("{\"type\":\"state_delta\",\"desiredVersion\":2,\"delta\":{\"intervalMs\":5000}}",
                    changed.toString());
            assertEquals(1, reported.get("reportedVersion").asLong());
        }
        assertEquals("{}", admin.get("/api/devices/extc-shadow/state").body().get("delta").toString());
    }

    /** A device that subscribes to its verdicts and to one more of its topics, then says it is online. */
    static MqttDevice onlineDevice(String deviceId, String leaf) {
        MqttDevice device = MqttDevice.connectWithWill(broker.port, deviceId, BridgedHub.password(deviceId));
        device.subscribeVerdicts();
        device.subscribe(Topics.of(deviceId, leaf));
        device.online();
        return device;
    }

    static String command(String deviceId, String name) {
        return admin.post("/api/devices/" + deviceId + "/commands", Map.of("name", name)).body().get("commandId")
                .asText();
    }

    static String status(String deviceId, String commandId) {
        return admin.get("/api/devices/" + deviceId + "/commands/" + commandId).body().get("status").asText();
    }
}
