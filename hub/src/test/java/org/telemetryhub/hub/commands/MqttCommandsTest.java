package org.telemetryhub.hub.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.mqtt.Topics;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.MqttDevice;
import org.telemetryhub.hub.support.MqttDevice.PubAck;
import org.telemetryhub.hub.support.TestHub;

/** Commands and state over the embedded broker: delivered once subscribed, answered with a PUBACK once stored. */
class MqttCommandsTest {

    static TestHub hub;
    static Api admin;
    static int port;

    @BeforeAll
    static void start() {
        hub = TestHub.start(TestHub.EMBEDDED_MQTT);
        admin = hub.admin();
        port = hub.mqttPort();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void a_command_queued_offline_reaches_the_device_once_it_subscribes_and_its_result_is_stored_once() {
        Api.Device device = admin.provision("mqtt-actuator");
        String commandId = admin.post("/api/devices/mqtt-actuator/commands", Map.of("name", "reboot")).body()
                .get("commandId").asText();

        try (MqttDevice client = MqttDevice.connect(port, device.id(), admin.ticket(device))) {
            client.subscribe(Topics.of(device.id(), Topics.COMMANDS));
            JsonNode command = client.verdict(m -> m.path("type").asText().equals("command"));
            String result = "{\"type\":\"command_result\",\"commandId\":\"" + commandId + "\",\"ok\":true}";
            PubAck stored = client.publish(Topics.of(device.id(), Topics.COMMAND_RESULTS), result, false);
            PubAck again = client.publish(Topics.of(device.id(), Topics.COMMAND_RESULTS), result, false);

            assertEquals(commandId, command.get("commandId").asText());
            assertEquals(new PubAck("SUCCESS", ""), stored);
            assertEquals(new PubAck("UNSPECIFIED_ERROR", "duplicate_result"), again);
        }
        assertEquals("succeeded", admin.get("/api/devices/mqtt-actuator/commands/" + commandId).body()
                .get("status").asText());
    }

    @Test
    void a_device_cannot_answer_another_devices_command_over_mqtt() {
        Api.Device device = admin.provision("mqtt-mallory");
        admin.provision("mqtt-victim");
        String victims = admin.post("/api/devices/mqtt-victim/commands", Map.of("name", "unlock")).body()
                .get("commandId").asText();

        try (MqttDevice client = MqttDevice.connect(port, device.id(), admin.ticket(device))) {
            PubAck refused = client.publish(Topics.of(device.id(), Topics.COMMAND_RESULTS),
                    "{\"type\":\"command_result\",\"commandId\":\"" + victims + "\",\"ok\":true}", false);

            assertEquals(new PubAck("UNSPECIFIED_ERROR", "unknown_command"), refused);
        }
        assertEquals("queued", admin.get("/api/devices/mqtt-victim/commands/" + victims).body()
                .get("status").asText());
    }

    @Test
    void a_device_hears_its_delta_after_subscribing_and_reports_its_state() {
        Api.Device device = admin.provision("mqtt-shadow");
        admin.put("/api/devices/mqtt-shadow/state/desired", Map.of("intervalMs", 2000), Map.of("If-Match", "\"0\""));

        try (MqttDevice client = MqttDevice.connect(port, device.id(), admin.ticket(device))) {
            client.subscribe(Topics.of(device.id(), Topics.STATE_DELTA));
            JsonNode delta = client.verdict(m -> m.path("type").asText().equals("state_delta"));
            PubAck reported = client.publish(Topics.of(device.id(), Topics.STATE_REPORTED),
                    "{\"type\":\"state\",\"reported\":{\"intervalMs\":2000}}", false);

            assertEquals("{\"type\":\"state_delta\",\"desiredVersion\":1,\"delta\":{\"intervalMs\":2000}}",
                    delta.toString());
            assertEquals(new PubAck("SUCCESS", ""), reported);
        }
        assertEquals("{}", admin.get("/api/devices/mqtt-shadow/state").body().get("delta").toString());
    }
}
