package org.telemetryhub.hub.sdk;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.telemetryhub.client.CommandResult;
import org.telemetryhub.client.HubDevice;
import org.telemetryhub.client.HubDeviceBuilder;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.protocol.HubMessage;

/**
 * The device SDK's command and desired-state handlers over each transport against a real hub: an operator's command
 * reaches the handler and its result is stored, and a desired change reaches the handler and what it applied is
 * reported.
 */
class SdkCommandsTest {

    static TestHub hub;
    static Api admin;

    @BeforeAll
    static void start() {
        hub = TestHub.start(TestHub.EMBEDDED_MQTT);
        admin = hub.admin();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static HubDeviceBuilder device(String deviceId, String transport) {
        HubDeviceBuilder builder = HubDevice.builder(admin.credentials(admin.provision(deviceId)));
        return switch (transport) {
            case "ws" -> builder.overWebSocket();
            case "http" -> builder.overHttp();
            case "mqtt" -> builder.overMqtt("127.0.0.1", hub.mqttPort());
            default -> throw new IllegalArgumentException("transport must be ws, http or mqtt, but was " + transport);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws", "http", "mqtt"})
    void an_operators_command_reaches_the_handler_and_its_result_is_stored(String transport) {
        String deviceId = "sdk-command-" + transport;
        String path = "/api/devices/" + deviceId + "/commands";

        try (HubDevice device = device(deviceId, transport)
                .onCommand(command -> CommandResult.ok(Map.of("intervalMs",
                        command.args().path("intervalMs").asLong())))
                .connect()) {
            String commandId = admin.post(path, Map.of("name", "set_interval", "args", Map.of("intervalMs", 5000)))
                    .body().get("commandId").asText();
            await().atMost(Duration.ofSeconds(15)).until(() -> admin.get(path + "/" + commandId).body()
                    .get("status").asText().equals("succeeded"));

            JsonNode command = admin.get(path + "/" + commandId).body();
            assertEquals(5000, command.get("result").get("intervalMs").asInt());
            assertEquals(true, command.get("ok").asBoolean());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws", "http", "mqtt"})
    void a_desired_change_reaches_the_handler_and_what_it_applied_is_reported(String transport) {
        String deviceId = "sdk-desired-" + transport;
        String path = "/api/devices/" + deviceId + "/state";
        List<HubMessage.StateDelta> heard = new CopyOnWriteArrayList<>();

        try (HubDevice device = device(deviceId, transport)
                .onDesiredState(delta -> {
                    heard.add(delta);
                    return Map.of("mode", delta.delta().path("mode").asText());
                })
                .connect()) {
            admin.put(path + "/desired", Map.of("mode", "eco"), Map.of("If-Match", "\"0\""));
            await().atMost(Duration.ofSeconds(20)).until(() -> admin.get(path).body().get("reportedVersion")
                    .asLong() > 0);

            JsonNode state = admin.get(path).body();
            assertEquals("eco", state.get("reported").get("mode").asText());
            assertEquals(0, state.get("delta").size());
            assertEquals(1, heard.get(heard.size() - 1).desiredVersion());
        }
    }
}
