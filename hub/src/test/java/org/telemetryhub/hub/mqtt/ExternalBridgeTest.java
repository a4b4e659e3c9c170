package org.telemetryhub.hub.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardClient;
import org.telemetryhub.hub.support.Mosquitto;
import org.telemetryhub.hub.support.MqttDevice;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;

/**
 * The hub bridged to a real Mosquitto: readings the broker accepted are stored and reach dashboards, verdicts and
 * presence travel over the broker's topics, and the EMQX-style auth and ACL routes apply the hub's rules.
 */
class ExternalBridgeTest {

    static final List<String> DEVICES = List.of("ext-outside", "ext-rejected", "ext-presence", "ext-again");

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
    void a_reading_mosquitto_pub_published_is_stored_and_reaches_the_dashboard() {
        try (DashboardClient dashboard = hub.dashboard()) {
            dashboard.subscribe("ext-outside", null);
            dashboard.next("subscribed");

            Mosquitto.Result published = Mosquitto.pub(broker.port, List.of("-V", "mqttv5", "-q", "1",
                    "-i", "ext-outside", "-u", "ext-outside", "-P", BridgedHub.password("ext-outside"),
                    "-t", Topics.telemetry("ext-outside"), "-m", Readings.one(1, hub.clock.millis())));

            assertEquals(0, published.exit(), published.output());
            assertEquals(1, dashboard.next("reading").get("seq").asLong());
            assertEquals(1, hub.storedCount("ext-outside"));
        }
    }

    @Test
    void a_reading_the_broker_delivers_again_is_stored_once_and_counted_as_an_absorbed_duplicate() {
        String reading = Readings.one(1, hub.clock.millis());
        try (MqttDevice device = MqttDevice.connect(broker.port, "ext-again", "ext-again",
                BridgedHub.password("ext-again"))) {
            double duplicates = duplicates();
            device.publish(reading);
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.storedCount("ext-again") == 1);

            device.publish(reading); // to the hub, the same payload again is what a broker's redelivery looks like

            await().atMost(Duration.ofSeconds(10)).until(() -> duplicates() == duplicates + 1);
            assertEquals(1, hub.storedCount("ext-again"));
        }
    }

    @Test
    void a_rejected_reading_is_published_to_the_device_verdict_topic() {
        try (MqttDevice device = MqttDevice.connect(broker.port, "ext-rejected", "ext-rejected",
                BridgedHub.password("ext-rejected"))) {
            device.subscribeVerdicts();

            device.publish("{\"type\":\"reading\",\"seq\":1,\"ts\":" + hub.clock.millis() + ",\"metrics\":{}}");
            JsonNode verdict = device.verdict(v -> true);

            assertEquals("rejected", verdict.get("type").asText());
            assertEquals("missing_metrics", verdict.get("error").asText());
            assertEquals(0, hub.storedCount("ext-rejected"));
        }
    }

    @Test
    void presence_follows_the_retained_online_message_and_the_will() {
        try (DashboardClient dashboard = hub.dashboard()) {
            dashboard.subscribe("ext-presence", null);
            dashboard.next("subscribed");

            MqttDevice device = MqttDevice.connectWithPresence(broker.port, "ext-presence",
                    BridgedHub.password("ext-presence"));
            JsonNode online = dashboard.next("presence");
            device.dropWithWill();
            JsonNode offline = dashboard.next("presence");

            assertEquals("online", online.get("state").asText());
            assertEquals("offline", offline.get("state").asText());
        }
    }

    @Test
    void the_auth_route_lets_a_ticket_in_once_and_only_as_its_device() {
        Api.Device device = admin.provision("ext-auth");
        String ticket = admin.ticket(device);
        String other = admin.ticket(device);

        assertEquals(401, brokerCall("/api/mqtt/auth", Map.of("clientid", "ext-auth"), "wrong-secret-1234567").status());
        assertEquals("deny", auth("someone", "ext-auth", ticket));
        assertEquals("allow", auth("ext-auth", "ext-auth", ticket));
        assertEquals("deny", auth("ext-auth", "ext-auth", ticket));
        assertEquals("deny", auth("ext-auth", "ext-auth", "not-a-ticket"));
        assertEquals("allow", auth("ext-auth", "ext-auth", other));
        assertEquals("allow", auth("hub-1", "hub", BridgedHub.SECRET));
        assertEquals("deny", auth("hub-1", "hub", "not-the-secret"));
    }

    @Test
    void the_acl_route_keeps_devices_under_their_own_topics_and_lets_the_bridge_read_and_write_verdicts() {
        admin.provision("ext-acl");

        assertEquals("allow", acl("ext-acl", "publish", "devices/ext-acl/telemetry", false));
        assertEquals("deny", acl("ext-acl", "publish", "devices/ext-acl/telemetry", true));
        assertEquals("allow", acl("ext-acl", "publish", "devices/ext-acl/presence", true));
        assertEquals("deny", acl("ext-acl", "publish", "devices/ext-other/telemetry", false));
        assertEquals("allow", acl("ext-acl", "subscribe", "devices/ext-acl/verdicts", false));
        assertEquals("deny", acl("ext-acl", "subscribe", "devices/+/verdicts", false));
        assertEquals("deny", acl("ext-acl", "subscribe", "$share/g/devices/ext-acl/verdicts", false));
        assertEquals("deny", acl("ext-gone", "publish", "devices/ext-gone/telemetry", false));
        assertEquals("allow", aclAs("hub-1", "hub", "subscribe", Topics.SHARED_TELEMETRY));
        assertEquals("allow", aclAs("hub-1", "hub", "publish", "devices/ext-acl/verdicts"));
        assertEquals("deny", aclAs("hub-1", "hub", "publish", "devices/ext-acl/telemetry"));
    }

    @Test
    void the_acl_route_lets_the_bridge_send_commands_and_deltas_and_read_results_and_reports() {
        admin.provision("ext-control");

        assertEquals("allow", aclAs("hub-1", "hub", "publish", "devices/ext-control/commands"));
        assertEquals("allow", aclAs("hub-1", "hub", "publish", "devices/ext-control/state/delta"));
        assertEquals("allow", aclAs("hub-1", "hub", "subscribe", "$share/hub/" + Topics.ALL_COMMAND_RESULTS));
        assertEquals("allow", aclAs("hub-1", "hub", "subscribe", Topics.ALL_STATE_REPORTED));
        assertEquals("deny", aclAs("hub-1", "hub", "subscribe", "devices/+/commands"));
        assertEquals("allow", acl("ext-control", "subscribe", "devices/ext-control/commands", false));
        assertEquals("allow", acl("ext-control", "publish", "devices/ext-control/command-results", false));
        assertEquals("deny", acl("ext-control", "publish", "devices/ext-other/command-results", false));
    }

    @Test
    void a_broker_outage_leaves_the_hub_degraded_until_the_bridge_is_back() {
        broker.close();
        bridged.awaitMqtt("down");
        Api.Answer degraded = hub.anonymous().get("/health");
        broker.launch();
        bridged.awaitMqtt("up");

        assertEquals(200, degraded.status());
        assertEquals("degraded", degraded.body().get("status").asText());
        assertEquals("up", hub.anonymous().get("/health").body().get("status").asText());
    }

    static String auth(String clientId, String username, String password) {
        Api.Answer answer = brokerCall("/api/mqtt/auth", Map.of("clientid", clientId, "username", username,
                "password", password), BridgedHub.SECRET);
        assertEquals(200, answer.status(), answer.body().toString());
        return answer.body().get("result").asText();
    }

    static String acl(String device, String action, String topic, boolean retain) {
        Api.Answer answer = brokerCall("/api/mqtt/acl", Map.of("clientid", device, "username", device,
                "action", action, "topic", topic, "retain", retain), BridgedHub.SECRET);
        assertEquals(200, answer.status(), answer.body().toString());
        return answer.body().get("result").asText();
    }

    static String aclAs(String clientId, String username, String action, String topic) {
        Api.Answer answer = brokerCall("/api/mqtt/acl", Map.of("clientid", clientId, "username", username,
                "action", action, "topic", topic), BridgedHub.SECRET);
        return answer.body().get("result").asText();
    }

    static Api.Answer brokerCall(String path, Map<String, Object> body, String secret) {
        return hub.anonymous().postRaw(path, Api.encode(body), Map.of("Authorization", "Bearer " + secret));
    }

    static double duplicates() {
        Matcher sample = Pattern.compile("(?m)^hub_readings_duplicate_total(?:\\{[^}]*})? ([0-9.eE+-]+)$")
                .matcher(hub.anonymous().get("/metrics").raw().body());
        return sample.find() ? Double.parseDouble(sample.group(1)) : 0;
    }
}
