package org.telemetryhub.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.core.ReadingStore.StoredReading;
import org.telemetryhub.hub.rooms.PostgresFeed;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardClient;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.PostgresSchema;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.hub.support.TwoNodes;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/**
 * Two hub nodes on one PostgreSQL store, as a deployment runs them once it outgrows one machine. Tickets, devices and
 * the reading log are shared: a ticket is good for one connection on either node, and a device connected to both at
 * once, each node storing the other's readings again, still gets every seq stored once and offsets 1..N with no gap
 * (the compare-and-set cursor and the unique (device, seq) index settle the races between the two writers). Live
 * fan-out crosses nodes too (the PostgreSQL feed, LISTEN/NOTIFY): a dashboard on one node sees live the readings and
 * presence changes of a device connected to the other, and reads from the store whatever it missed; and a session
 * that ends on one node ends its live streams on the other.
 */
class TwoHubsOnOneStoreTest {

    static TwoNodes nodes;
    static PostgresSchema schema;
    static TestHub first;
    static TestHub second;

    @BeforeAll
    static void start() {
        nodes = TwoNodes.start(Map.of("limits.deviceReadingsPerSecond", "100000", "limits.deviceBurst", "100000"));
        schema = nodes.schema;
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
    void a_device_on_both_nodes_gets_each_seq_stored_once_with_offsets_one_to_n() {
        Api.Device device = first.admin().provision("two-homed");
        try (DeviceClient viaFirst = DeviceClient.connect(first.deviceSocket(), first.admin().ticket(device));
             DeviceClient viaSecond = DeviceClient.connect(second.deviceSocket(), second.admin().ticket(device))) {
            long ts = first.clock.millis();
            for (long from = 1; from <= 1_000; from += 20) {
                viaFirst.send(Readings.batch(from, 10, ts));
                viaSecond.send(Readings.batch(from + 10, 10, ts));
                viaSecond.send(Readings.batch(from, 10, ts));
                viaFirst.send(Readings.batch(from + 10, 10, ts));
            }
            List<JsonNode> answers = new ArrayList<>(answersUntilAck(viaFirst, 1_000));
            answers.addAll(answersUntilAck(viaSecond, 990));

            assertEquals(List.of(), answers.stream().filter(m -> !m.path("type").asText().equals("ack")).toList(),
                    "every frame on either node is acked, none refused");
        }

        List<StoredReading> stored = second.stored("two-homed");

        assertEquals(LongStream.rangeClosed(1, 1_000).boxed().toList(),
                stored.stream().map(StoredReading::offset).toList());
        assertEquals(LongStream.rangeClosed(1, 1_000).boxed().toList(),
                stored.stream().map(r -> r.reading().seq()).sorted().toList());
    }

    /** What the hub answered on this connection up to and including the ack naming {@code seq}. */
    static List<JsonNode> answersUntilAck(DeviceClient client, long seq) {
        List<JsonNode> answers = new ArrayList<>();
        JsonNode answer;
        do {
            answer = client.next();
            answers.add(answer);
        } while (!(answer.path("type").asText().equals("ack") && answer.path("seq").asLong() == seq));
        return answers;
    }

    @Test
    void a_ticket_used_on_one_node_is_refused_on_the_other() {
        Api.Device device = first.admin().provision("one-ticket");
        String ticket = first.admin().ticket(device);

        try (DeviceClient connected = DeviceClient.connect(first.deviceSocket(), ticket)) {
            assertEquals(401, DeviceClient.refusedStatus(second.deviceSocket(), ticket));
        }
    }

    @Test
    void a_dashboard_on_one_node_resumes_over_what_the_other_node_stored() {
        Api.Device device = first.admin().provision("seen-elsewhere");
        try (DeviceClient client = DeviceClient.connect(first.deviceSocket(), first.admin().ticket(device))) {
            client.send(Readings.batch(1, 5, first.clock.millis()));
            client.ack(5);
        }

        try (DashboardClient dashboard = second.dashboard()) {
            dashboard.subscribe("seen-elsewhere", 2L);
            JsonNode subscribed = dashboard.next("subscribed");

            assertEquals(3, subscribed.get("readings").size());
            assertEquals(3, subscribed.get("readings").get(0).get("offset").asLong());
        }
    }

    @Test
    void a_dashboard_on_one_node_receives_live_what_a_device_on_the_other_node_sends() {
        Api.Device device = first.admin().provision("watched-elsewhere");
        try (DashboardClient dashboard = second.dashboard();
             DeviceClient client = DeviceClient.connect(first.deviceSocket(), first.admin().ticket(device))) {
            dashboard.subscribe("watched-elsewhere", null);
            assertEquals(0, dashboard.next("subscribed").get("readings").size());

            long ts = first.clock.millis();
            for (long from = 1; from <= 200; from += 20) {
                client.send(Readings.batch(from, 20, ts));
            }
            client.ack(200);

            await().atMost(Duration.ofSeconds(10)).until(() -> dashboard.offsets("watched-elsewhere").size() >= 200);
            assertEquals(LongStream.rangeClosed(1, 200).boxed().toList(), dashboard.offsets("watched-elsewhere"));
            assertEquals(200, dashboard.received().stream()
                    .filter(m -> m.path("type").asText().equals("reading")).count(), "each as a live reading message");
        }
    }

    @Test
    void presence_on_one_node_reaches_a_dashboard_on_the_other() {
        Api.Device device = first.admin().provision("present-elsewhere");
        try (DashboardClient dashboard = second.dashboard()) {
            dashboard.subscribe("present-elsewhere", null);
            dashboard.next("subscribed");

            try (DeviceClient client = DeviceClient.connect(first.deviceSocket(), first.admin().ticket(device))) {
                assertEquals("online", dashboard.next("presence").get("state").asText());
            }
            assertEquals("offline", dashboard.next("presence").get("state").asText());
        }
    }

    @Test
    void a_logout_on_one_node_closes_the_sessions_dashboard_on_the_other_within_a_second_and_its_calls_say_why() {
        Api session = first.admin();
        try (DashboardClient dashboard = DashboardClient.connect(second.dashboardSocket(), session.token())) {
            long started = System.nanoTime();

            assertEquals(204, session.post("/api/logout", "").status());

            assertEquals("session_ended", dashboard.next("error").get("error").asText());
            assertEquals(4401, dashboard.awaitClose());
            assertTrue(System.nanoTime() - started < 1_000_000_000L, "closed within 1 s");
            Api.Answer refused = second.anonymous().withBearer(session.token()).get("/api/devices");
            assertEquals("session_ended", refused.error());
            assertEquals("the session ended because it was signed out; sign in again",
                    refused.body().get("message").asText());
        }
    }

    @Test
    void each_presence_change_of_a_device_sending_over_http_to_both_nodes_is_published_once() {
        Api.Answer created = first.admin().post("/api/devices", Map.of("deviceId", "http-two-homed",
                "reportIntervalMs", 1_000));
        Api.Device device = new Api.Device("http-two-homed", created.body().get("secret").asText());
        try (DashboardClient dashboard = second.dashboard()) {
            dashboard.subscribe("http-two-homed", null);
            dashboard.next("subscribed");

            sendOverHttp(first, device, 1);
            sendOverHttp(second, device, 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> presence(dashboard).size() == 1);
            first.clock.advance(3_000);
            second.clock.advance(3_000);
            await().atMost(Duration.ofSeconds(5)).until(() -> presence(dashboard).size() == 2);
            first.clock.advance(3_000);
            second.clock.advance(3_000);

            await().atMost(Duration.ofSeconds(5)).until(() -> presence(dashboard).size() >= 3);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> presence(dashboard).size() >= 3);
            List<JsonNode> events = presence(dashboard);
            assertEquals(3, events.size(), events.toString());
            assertEquals(List.of("online", "stale", "offline"), events.stream().map(e -> e.get("state").asText())
                    .toList());
            long version = events.get(0).get("version").asLong();
            assertEquals(List.of(version, version + 1, version + 2), events.stream()
                    .map(e -> e.get("version").asLong()).toList());
        }
    }

    @Test
    void both_nodes_count_the_rejected_seqs_and_holes_of_a_device_that_writes_through_either() {
        Api.Device device = first.admin().provision("refused-on-both");
        long now = first.clock.millis();
        Reading invalid = new Reading(2, 1_000, Map.of("temperature", 20.0));
        sendOverHttp(first, device, Wire.batchFrame(List.of(Readings.reading(1, now), invalid,
                Readings.reading(3, now))));
        sendOverHttp(second, device, Wire.batchFrame(List.of(new Reading(5, 1_000, Map.of("t", 1.0)))));
        sendOverHttp(second, device, Readings.one(6, now));
        sendOverHttp(first, device, Readings.one(2, now));

        for (TestHub node : List.of(first, second)) {
            JsonNode listed = node.admin().get("/api/devices/refused-on-both").body();
            assertEquals(6, listed.get("lastSeq").asLong());
            assertEquals(1, listed.get("rejected").asLong(), "seq 5; seq 2 was stored after all");
            assertEquals(1, listed.get("holes").asLong(), "seq 4");
            assertEquals("[{\"seq\":5,\"error\":\"invalid_ts\"}]", node.admin()
                    .get("/api/devices/refused-on-both/rejections?fromSeq=1").body().get("rejectedSeqs").toString());
        }
    }

    static void sendOverHttp(TestHub node, Api.Device device, String body) {
        Api admin = node.admin();
        assertEquals(200, admin.ingest(device.id(), admin.ticket(device), body).status());
    }

    static void sendOverHttp(TestHub node, Api.Device device, long seq) {
        sendOverHttp(node, device, Readings.one(seq, node.clock.millis()));
    }

    static List<JsonNode> presence(DashboardClient dashboard) {
        return dashboard.received().stream().filter(m -> m.path("type").asText().equals("presence")).toList();
    }

    @Test
    void a_node_whose_listening_connection_drops_listens_again_and_its_dashboards_catch_up() throws SQLException {
        Api.Device device = first.admin().provision("heard-again");
        try (DashboardClient dashboard = second.dashboard();
             DeviceClient client = DeviceClient.connect(first.deviceSocket(), first.admin().ticket(device))) {
            dashboard.subscribe("heard-again", null);
            dashboard.next("subscribed");
            List<Integer> dropped = listening();
            assertEquals(2, dropped.size(), "both nodes listen");

            terminate(dropped);
            client.send(Readings.one(1, first.clock.millis()));
            client.ack(1);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> listening().stream().filter(pid -> !dropped.contains(pid)).count() == 2);
            client.send(Readings.one(2, first.clock.millis()));

            await().atMost(Duration.ofSeconds(10)).until(() -> dashboard.offsets("heard-again").size() >= 2);
            assertEquals(List.of(1L, 2L), dashboard.offsets("heard-again"));
        }
    }

    /** The server processes of the connections that listen to this store's feed. */
    static List<Integer> listening() throws SQLException {
        try (Connection connection = DriverManager.getConnection(schema.storeUrl());
             PreparedStatement query = connection.prepareStatement(
                     "SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
            query.setString(1, PostgresFeed.listenerName(schema.name()));
            List<Integer> pids = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    pids.add(rs.getInt(1));
                }
            }
            return pids;
        }
    }

    static void terminate(List<Integer> pids) throws SQLException {
        try (Connection connection = DriverManager.getConnection(schema.storeUrl());
             PreparedStatement terminate = connection.prepareStatement("SELECT pg_terminate_backend(?)")) {
            for (int pid : pids) {
                terminate.setInt(1, pid);
                terminate.execute();
            }
        }
    }
}
