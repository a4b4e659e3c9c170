package org.telemetryhub.hub.commands;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardClient;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.TestHub;

/** Operators' commands over the API, delivered to devices over WebSocket and HTTP, with results stored once. */
class CommandsTest {

    static TestHub hub;
    static Api admin;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("commands.maxQueued", "1000"));
        admin = hub.admin();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void a_command_is_stored_and_answered_201_with_its_id_and_times() {
        admin.provision("cmd-created");

        Api.Answer created = send("cmd-created", Map.of("name", "set_interval", "args", Map.of("intervalMs", 5000),
                "ttlMs", 60_000));

        assertEquals(201, created.status(), created.body().toString());
        JsonNode command = created.body();
        assertEquals("set_interval", command.get("name").asText());
        assertEquals(5000, command.get("args").get("intervalMs").asInt());
        assertEquals("queued", command.get("status").asText());
        assertEquals(hub.clock.millis(), command.get("createdAt").asLong());
        assertEquals(hub.clock.millis() + 60_000, command.get("expiresAt").asLong());
        assertEquals(command, admin.get("/api/devices/cmd-created/commands/" + id(command)).body());
    }

    @Test
    void bad_names_args_and_ttls_are_refused_naming_the_field() {
        admin.provision("cmd-invalid");

        Api.Answer badName = send("cmd-invalid", Map.of("name", "no spaces"));
        Api.Answer badArgs = send("cmd-invalid", Map.of("name", "reboot", "args", List.of(1)));
        Api.Answer bigArgs = send("cmd-invalid", Map.of("name", "reboot", "args", Map.of("x", "y".repeat(8200))));
        Api.Answer shortTtl = send("cmd-invalid", Map.of("name", "reboot", "ttlMs", 999));

        assertEquals(400, badName.status());
        assertEquals("invalid_command", badName.error());
        assertEquals("command.name must match [A-Za-z0-9][A-Za-z0-9_.-]{0,63}, but was \"no spaces\"",
                badName.body().get("message").asText());
        assertEquals("invalid_command", badArgs.error());
        assertEquals("invalid_command", bigArgs.error());
        assertEquals("invalid_ttl", shortTtl.error());
        assertEquals("command.ttlMs must be an integer in [1000, 604800000], but was 999",
                shortTtl.body().get("message").asText());
        assertTrue(admin.get("/api/devices/cmd-invalid/commands").body().get("commands").isEmpty());
    }

    @Test
    void a_device_offline_gets_its_queued_commands_on_connect_and_its_result_is_acked_once() {
        Api.Device device = admin.provision("cmd-offline");
        String first = id(send("cmd-offline", Map.of("name", "reboot")).body());
        String second = id(send("cmd-offline", Map.of("name", "set_interval", "args", Map.of("intervalMs", 1000)))
                .body());

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            JsonNode one = client.next();
            JsonNode two = client.next();
            client.send(result(first, true, "{\"rebootedAt\":1}"));
            JsonNode ack = client.next();
            client.send(result(first, true, "{\"rebootedAt\":2}"));
            JsonNode duplicate = client.next();

            assertEquals(List.of("command", first, "reboot"), List.of(one.get("type").asText(),
                    one.get("commandId").asText(), one.get("name").asText()));
            assertEquals(second, two.get("commandId").asText());
            assertEquals(1000, two.get("args").get("intervalMs").asInt());
            assertEquals("{\"type\":\"command_ack\",\"commandId\":\"" + first + "\"}", ack.toString());
            assertEquals("duplicate_result", duplicate.get("error").asText());
        }
        JsonNode stored = admin.get("/api/devices/cmd-offline/commands/" + first).body();
        assertEquals("succeeded", stored.get("status").asText());
        assertTrue(stored.get("ok").asBoolean());
        assertEquals(1, stored.get("result").get("rebootedAt").asInt());
        assertTrue(stored.has("deliveredAt") && stored.has("finishedAt"));
    }

    @Test
    void a_device_that_reconnects_mid_command_gets_it_again_with_the_same_id() {
        Api.Device device = admin.provision("cmd-reconnect");
        String commandId = id(send("cmd-reconnect", Map.of("name", "reboot")).body());
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            assertEquals(commandId, client.next().get("commandId").asText());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> status("cmd-reconnect", commandId).equals("delivered"));

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            assertEquals(commandId, client.next().get("commandId").asText());
            client.send(result(commandId, false, "{\"reason\":\"busy\"}"));
            assertFalse(client.next().has("error"));
        }
        assertEquals("failed", status("cmd-reconnect", commandId));
    }

    @Test
    void a_thousand_queued_commands_reach_the_device_in_order_never_more_than_eight_unanswered() {
        Api.Device device = admin.provision("cmd-thousand");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            sent.add(id(send("cmd-thousand", Map.of("name", "step", "args", Map.of("i", i))).body()));
        }

        List<String> received = new ArrayList<>();
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            List<String> unanswered = new ArrayList<>();
            while (received.size() < 1000) {
                JsonNode message = client.next();
                if (message.get("type").asText().equals("command")) {
                    received.add(message.get("commandId").asText());
                    unanswered.add(message.get("commandId").asText());
                    assertTrue(unanswered.size() <= 8, "more than commands.maxInFlight unanswered");
                }
                if (unanswered.size() == 8 || received.size() == 1000) {
                    for (String commandId : unanswered) {
                        client.send(result(commandId, true, "{}"));
                    }
                    unanswered.clear();
                }
            }
        }

        assertEquals(sent, received);
    }

    @Test
    void the_queue_holds_commands_maxQueued_unfinished_commands_then_answers_429() {
        TestHub small = TestHub.start(Map.of("commands.maxQueued", "2"));
        try (small) {
            Api smallAdmin = small.admin();
            smallAdmin.provision("cmd-full");
            Map<String, Object> body = Map.of("name", "reboot");

            smallAdmin.post("/api/devices/cmd-full/commands", body);
            String cancelled = id(smallAdmin.post("/api/devices/cmd-full/commands", body).body());
            Api.Answer full = smallAdmin.post("/api/devices/cmd-full/commands", body);
            smallAdmin.delete("/api/devices/cmd-full/commands/" + cancelled);
            Api.Answer roomAgain = smallAdmin.post("/api/devices/cmd-full/commands", body);

            assertEquals(429, full.status());
            assertEquals("queue_full", full.error());
            assertEquals(201, roomAgain.status());
        }
    }

    @Test
    void a_command_expires_when_its_ttl_passes_before_a_result_and_takes_none_after() {
        Api.Device device = admin.provision("cmd-expiry");
        String commandId = id(send("cmd-expiry", Map.of("name", "reboot", "ttlMs", 1000)).body());
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.next();

            hub.clock.advance(1000);
            await().atMost(Duration.ofSeconds(10)).until(() -> status("cmd-expiry", commandId).equals("expired"));
            client.send(result(commandId, true, "{}"));

            assertEquals("command_finished", client.next().get("error").asText());
        }
        JsonNode expired = admin.get("/api/devices/cmd-expiry/commands/" + commandId).body();
        assertFalse(expired.has("result"));
        assertEquals(expired.get("expiresAt"), expired.get("finishedAt"));
    }

    @Test
    void a_cancelled_command_is_never_delivered_and_cannot_be_cancelled_twice() {
        Api.Device device = admin.provision("cmd-cancel");
        String cancelled = id(send("cmd-cancel", Map.of("name", "reboot")).body());
        String kept = id(send("cmd-cancel", Map.of("name", "set_interval")).body());

        Api.Answer cancel = admin.delete("/api/devices/cmd-cancel/commands/" + cancelled);
        Api.Answer again = admin.delete("/api/devices/cmd-cancel/commands/" + cancelled);

        assertEquals(200, cancel.status());
        assertEquals("cancelled", cancel.body().get("status").asText());
        assertEquals(409, again.status());
        assertEquals("command_finished", again.error());
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            assertEquals(kept, client.next().get("commandId").asText());
        }
    }

    @Test
    void a_viewer_cannot_send_or_cancel_commands_but_sees_them_in_its_namespace() {
        admin.provision("cmd-viewed", "line-7");
        admin.post("/api/operators", Map.of("username", "cmd-viewer", "password", "viewer-password-1",
                "role", "viewer", "namespaces", List.of("line-7")));
        Api viewer = Api.signedIn(hub.url(), "cmd-viewer", "viewer-password-1");
        String commandId = id(send("cmd-viewed", Map.of("name", "reboot")).body());

        Api.Answer refused = viewer.post("/api/devices/cmd-viewed/commands", Map.of("name", "reboot"));
        Api.Answer notCancelled = viewer.delete("/api/devices/cmd-viewed/commands/" + commandId);
        Api.Answer listed = viewer.get("/api/devices/cmd-viewed/commands");

        assertEquals(403, refused.status());
        assertEquals("forbidden", refused.error());
        assertEquals(403, notCancelled.status());
        assertEquals(1, listed.body().get("commands").size());
    }

    @Test
    void a_device_cannot_answer_another_devices_command() {
        Api.Device mallory = admin.provision("cmd-mallory");
        admin.provision("cmd-victim");
        String victims = id(send("cmd-victim", Map.of("name", "unlock")).body());

        Api.Answer overHttp;
        JsonNode overSocket;
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(mallory))) {
            client.send(result(victims, true, "{}"));
            overSocket = client.next();
        }
        overHttp = admin.withBearer(admin.ticket(mallory)).post("/api/devices/cmd-mallory/commands/" + victims
                + "/result", Map.of("ok", true));

        assertEquals("unknown_command", overSocket.get("error").asText());
        assertEquals(404, overHttp.status());
        assertEquals("unknown_command", overHttp.error());
        assertEquals("queued", status("cmd-victim", victims));
    }

    @Test
    void an_http_device_long_polls_its_commands_and_posts_the_result() {
        Api.Device device = admin.provision("cmd-http");
        Api http = admin.withBearer(admin.ticket(device));
        Api.Answer empty = http.get("/api/devices/cmd-http/commands/pending?waitMs=0");
        String commandId = id(send("cmd-http", Map.of("name", "reboot")).body());

        Api.Answer pending = http.get("/api/devices/cmd-http/commands/pending?waitMs=5000");
        await().atMost(Duration.ofSeconds(10)).until(() -> status("cmd-http", commandId).equals("delivered"));
        Api.Answer answered = http.post("/api/devices/cmd-http/commands/" + commandId + "/result",
                Map.of("ok", true, "result", Map.of("uptimeMs", 3)));
        Api.Answer twice = http.post("/api/devices/cmd-http/commands/" + commandId + "/result", Map.of("ok", true));

        assertEquals("{\"commands\":[]}", empty.body().toString());
        assertEquals(commandId, pending.body().get("commands").get(0).get("commandId").asText());
        assertEquals(200, answered.status());
        assertEquals("succeeded", answered.body().get("status").asText());
        assertEquals(409, twice.status());
        assertEquals("duplicate_result", twice.error());
    }

    @Test
    void a_waiting_poll_answers_as_soon_as_a_command_is_queued() {
        Api.Device device = admin.provision("cmd-waiting");
        Api http = admin.withBearer(admin.ticket(device));

        CompletableFuture<Api.Answer> poll =
                waitingPoll(http, "/api/devices/cmd-waiting/commands/pending?waitMs=20000");
        String commandId = id(send("cmd-waiting", Map.of("name", "reboot")).body());

        JsonNode answer = poll.orTimeout(10, TimeUnit.SECONDS).join().body();
        assertEquals(commandId, answer.get("commands").get(0).get("commandId").asText());
    }

    @Test
    void a_waiting_poll_is_answered_with_no_commands_when_the_desired_state_changes() {
        Api.Device device = admin.provision("cmd-desired");
        Api http = admin.withBearer(admin.ticket(device));
        CompletableFuture<Api.Answer> poll =
                waitingPoll(http, "/api/devices/cmd-desired/commands/pending?waitMs=20000");

        admin.put("/api/devices/cmd-desired/state/desired", Map.of("intervalMs", 500), Map.of("If-Match", "\"0\""));

        Api.Answer answer = poll.orTimeout(5, TimeUnit.SECONDS).join();
        assertEquals("{\"commands\":[]}", answer.body().toString());
        assertEquals(500, http.get("/api/devices/cmd-desired/state").body().get("delta").get("intervalMs").asInt());
    }

    @Test
    void a_poll_naming_a_desired_version_that_is_no_longer_the_version_is_answered_at_once() {
        Api.Device device = admin.provision("cmd-stale");
        Api http = admin.withBearer(admin.ticket(device));
        admin.put("/api/devices/cmd-stale/state/desired", Map.of("intervalMs", 500), Map.of("If-Match", "\"0\""));

        Api.Answer stale = http.get("/api/devices/cmd-stale/commands/pending?waitMs=20000&desiredVersion=0");
        CompletableFuture<Api.Answer> current =
                waitingPoll(http, "/api/devices/cmd-stale/commands/pending?waitMs=20000&desiredVersion=1");

        assertEquals("{\"commands\":[]}", stale.body().toString());
        admin.put("/api/devices/cmd-stale/state/desired", Map.of("intervalMs", 700), Map.of("If-Match", "\"1\""));
        assertEquals("{\"commands\":[]}", current.orTimeout(5, TimeUnit.SECONDS).join().body().toString());
    }

    @Test
    void a_waiting_poll_is_answered_with_no_commands_when_the_hub_stops() {
        TestHub stopping = TestHub.start();
        Api operator = stopping.admin();
        Api http = operator.withBearer(operator.ticket(operator.provision("cmd-stopping")));
        CompletableFuture<Api.Answer> poll =
                waitingPoll(http, "/api/devices/cmd-stopping/commands/pending?waitMs=60000");

        stopping.close();

        Api.Answer answer = poll.orTimeout(10, TimeUnit.SECONDS).join();
        assertEquals(200, answer.status());
        assertEquals("{\"commands\":[]}", answer.body().toString());
    }

    @Test
    void every_transition_reaches_the_device_room_as_command_update() {
        Api.Device device = admin.provision("cmd-room");
        try (DashboardClient dashboard = hub.dashboard()) {
            dashboard.subscribe("cmd-room", null);
            dashboard.next(m -> m.get("type").asText().equals("subscribed"));
            String commandId = id(send("cmd-room", Map.of("name", "reboot")).body());

            try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
                client.next();
                await().atMost(Duration.ofSeconds(10)).until(() -> status("cmd-room", commandId).equals("delivered"));
                client.send(result(commandId, true, "{}"));
                client.next();
            }

            List<String> states = new ArrayList<>();
            while (!states.contains("succeeded")) {
                JsonNode update = dashboard.next(m -> m.get("type").asText().equals("command_update"));
                assertEquals("cmd-room", update.get("device").asText());
                assertEquals(commandId, update.get("commandId").asText());
                states.add(update.get("status").asText());
            }
            assertEquals(List.of("queued", "delivered", "succeeded"), states);
        }
    }

    @Test
    void command_ids_are_unguessable_and_unique() {
        admin.provision("cmd-ids");

        String one = id(send("cmd-ids", Map.of("name", "a")).body());
        String two = id(send("cmd-ids", Map.of("name", "b")).body());

        assertNotEquals(one, two);
        assertTrue(one.matches("[1-9][0-9]*-[A-Za-z0-9_-]{22}"), one);
    }

    @Test
    void a_command_id_with_its_number_but_another_token_names_no_command() {
        admin.provision("cmd-forged");
        String real = id(send("cmd-forged", Map.of("name", "a")).body());
        String forged = real.substring(0, real.indexOf('-') + 1) + "A".repeat(22);

        Api.Answer answer = admin.get("/api/devices/cmd-forged/commands/" + forged);

        assertEquals(404, answer.status());
        assertEquals("unknown_command", answer.body().get("error").asText());
        for (String notAnId : List.of("q0Xc3Vb7Nm1Lk5Jh9Gf2Ds", "0" + real, "-" + real, real.replace("-", "")
                + "-", "99999999999999999999-" + "A".repeat(22))) {
            assertEquals(404, admin.get("/api/devices/cmd-forged/commands/" + notAnId).status(), notAnId);
        }
    }

    /** A poll sent on a thread of its own, handed back once it is seen waiting (unanswered for 300 ms). */
    private static CompletableFuture<Api.Answer> waitingPoll(Api http, String path) {
        CompletableFuture<Api.Answer> poll = CompletableFuture.supplyAsync(() -> http.get(path));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !poll.isDone());
        return poll;
    }

    private static Api.Answer send(String deviceId, Map<String, Object> command) {
        return admin.post("/api/devices/" + deviceId + "/commands", command);
    }

    private static String status(String deviceId, String commandId) {
        return admin.get("/api/devices/" + deviceId + "/commands/" + commandId).body().get("status").asText();
    }

    private static String id(JsonNode command) {
        return command.get("commandId").asText();
    }

    private static String result(String commandId, boolean ok, String result) {
        return "{\"type\":\"command_result\",\"commandId\":\"" + commandId + "\",\"ok\":" + ok + ",\"result\":"
                + result + "}";
    }
}
