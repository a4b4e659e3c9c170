package org.telemetryhub.hub.commands;

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

/**
 * Commands and desired state on two hub nodes sharing one PostgreSQL store: an operator on one node reaches a device
 * connected to the other, and a dashboard on the first sees every transition, with no sticky sessions.
 */
class CommandsOnTwoNodesTest {

    static TwoNodes nodes;
    static TestHub first;
    static TestHub second;

    @BeforeAll
    static void start() {
        nodes = TwoNodes.start(Map.of());
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
    void a_command_sent_on_one_node_reaches_a_device_on_the_other_and_its_room_everywhere() {
        Api admin = first.admin();
        Api.Device device = admin.provision("two-node-valve");
        try (DashboardClient dashboard = first.dashboard();
             DeviceClient client = DeviceClient.connect(second.deviceSocket(), second.admin().ticket(device))) {
            dashboard.subscribe("two-node-valve", null);
            dashboard.next(m -> m.get("type").asText().equals("subscribed"));

            String commandId = admin.post("/api/devices/two-node-valve/commands", Map.of("name", "reboot")).body()
                    .get("commandId").asText();
            JsonNode command = client.next(m -> m.get("type").asText().equals("command"));
            await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/api/devices/two-node-valve/commands/"
                    + commandId).body().get("status").asText().equals("delivered"));
            client.send("{\"type\":\"command_result\",\"commandId\":\"" + commandId + "\",\"ok\":true}");
            JsonNode ack = client.next(m -> m.get("type").asText().equals("command_ack"));
            admin.put("/api/devices/two-node-valve/state/desired", Map.of("open", true), Map.of("If-Match", "\"0\""));
            JsonNode delta = client.next(m -> m.get("type").asText().equals("state_delta"));

            List<String> states = new ArrayList<>();
            while (!states.contains("succeeded")) {
                states.add(dashboard.next(m -> m.get("type").asText().equals("command_update")).get("status")
                        .asText());
            }
            assertEquals(commandId, command.get("commandId").asText());
            assertEquals("{\"type\":\"command_ack\",\"commandId\":\"" + commandId + "\"}", ack.toString());
            assertEquals("{\"open\":true}", delta.get("delta").toString());
            assertEquals(List.of("queued", "delivered", "succeeded"), states);
        }
    }
}
