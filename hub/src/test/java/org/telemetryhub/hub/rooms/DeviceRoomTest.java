package org.telemetryhub.hub.rooms;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.core.ReadingStore.StoredReading;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardClient;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;

/** Device rooms: exactly the room's readings, in offset order, with snapshots and gap-free resume by offset. */
class DeviceRoomTest {

    static TestHub hub;
    static Api admin;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("limits.deviceReadingsPerSecond", "1000000", "limits.deviceBurst", "1000000",
                "dashboard.snapshotLimit", "50"));
        admin = hub.admin();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void three_dashboards_on_overlapping_devices_each_get_exactly_their_rooms_in_offset_order() {
        List<String> ids = List.of("room-a", "room-b", "room-c");
        List<Api.Device> devices = ids.stream().map(admin::provision).toList();
        try (DashboardClient ab = hub.dashboard(); DashboardClient bc = hub.dashboard();
             DashboardClient a = hub.dashboard()) {
            subscribe(ab, "room-a", "room-b");
            subscribe(bc, "room-b", "room-c");
            subscribe(a, "room-a");

            long now = hub.clock.millis();
            for (Api.Device device : devices) {
                try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
                    for (long first = 1; first <= 300; first += 30) {
                        client.send(Readings.batch(first, 30, now));
                    }
                    client.ack(300);
                }
            }

            List<Long> all = LongStream.rangeClosed(1, 300).boxed().toList();
            await().atMost(Duration.ofSeconds(10)).until(() -> ab.offsets("room-b").size() == 300
                    && ab.offsets("room-a").size() == 300 && bc.offsets("room-b").size() == 300
                    && bc.offsets("room-c").size() == 300 && a.offsets("room-a").size() == 300);
            assertEquals(all, ab.offsets("room-a"));
            assertEquals(all, ab.offsets("room-b"));
            assertEquals(List.of(), ab.offsets("room-c"));
            assertEquals(all, bc.offsets("room-b"));
            assertEquals(all, bc.offsets("room-c"));
            assertEquals(List.of(), bc.offsets("room-a"));
            assertEquals(all, a.offsets("room-a"));
            assertEquals(List.of(), a.offsets("room-b"));
        }
    }

    @Test
    void a_subscription_with_after_gets_what_follows_then_live_readings() {
        Api.Device device = admin.provision("resumed");
        long now = hub.clock.millis();
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device));
             DashboardClient dashboard = hub.dashboard()) {
            client.send(Readings.batch(1, 120, now));
            client.ack(120);

            dashboard.subscribe("resumed", 30L);
            JsonNode subscribed = dashboard.next("subscribed");
            client.send(Readings.batch(121, 10, now));

            assertEquals(50, subscribed.get("readings").size());
            assertEquals(31, subscribed.get("readings").get(0).get("offset").asLong());
            assertEquals(true, subscribed.get("more").asBoolean());
            await().atMost(Duration.ofSeconds(10)).until(() -> dashboard.offsets("resumed").size() == 100);
            assertEquals(LongStream.rangeClosed(31, 130).boxed().toList(), dashboard.offsets("resumed"));
        }
    }

    @Test
    void without_after_the_snapshot_holds_the_latest_readings() {
        Api.Device device = admin.provision("latest");
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device));
             DashboardClient dashboard = hub.dashboard()) {
            client.send(Readings.batch(1, 80, hub.clock.millis()));
            client.ack(80);

            dashboard.subscribe("latest", null);
            JsonNode subscribed = dashboard.next("subscribed");

            assertEquals(50, subscribed.get("readings").size());
            assertEquals(31, subscribed.get("readings").get(0).get("offset").asLong());
            assertEquals(false, subscribed.get("more").asBoolean());
            assertEquals("latest", subscribed.get("readings").get(0).get("device").asText());
            assertEquals("default", subscribed.get("readings").get(0).get("namespace").asText());
        }
    }

    @Test
    void resume_while_two_connections_send_and_one_resends_has_no_gap_and_no_duplicate_fifty_times() {
        for (int round = 0; round < 50; round++) {
            String id = "race-" + round;
            Api.Device device = admin.provision(id);
            long now = hub.clock.millis();
            try (DeviceClient first = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device));
                 DeviceClient second = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device));
                 DashboardClient dashboard = hub.dashboard()) {
                first.send(Readings.batch(1, 20, now));
                first.ack(20);
                long cursor = 7 + round % 10;

                second.send(Readings.batch(21, 20, now));
                dashboard.subscribe(id, cursor);
                first.send(Readings.batch(5, 30, now));
                second.send(Readings.batch(41, 20, now));
                first.send(Readings.batch(61, 20, now));
                second.ack(60);
                first.ack(80);

                List<Long> stored = hub.stored(id).stream().map(StoredReading::offset).filter(o -> o > cursor).toList();
                await().atMost(Duration.ofSeconds(10)).until(() -> dashboard.offsets(id).size() >= stored.size());
                assertEquals(stored, dashboard.offsets(id), "round " + round);
                assertEquals(LongStream.rangeClosed(cursor + 1, 80).boxed().toList(), stored);
            }
        }
    }

    @Test
    void a_device_room_also_shows_rejections() {
        Api.Device device = admin.provision("rejecting");
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device));
             DashboardClient dashboard = hub.dashboard()) {
            dashboard.subscribe("rejecting", null);
            dashboard.next("subscribed");

            client.send("{\"type\":\"reading\",\"seq\":1,\"ts\":" + hub.clock.millis() + ",\"metrics\":{\"t\":\"hot\"}}");
            JsonNode rejection = dashboard.next("rejection");

            assertEquals("rejecting", rejection.get("device").asText());
            assertEquals(1, rejection.get("seq").asLong());
            assertEquals("invalid_metric_value", rejection.get("error").asText());
        }
    }

    static void subscribe(DashboardClient dashboard, String... devices) {
        for (String device : devices) {
            dashboard.subscribe(device, null);
            dashboard.next(m -> m.path("type").asText().equals("subscribed") && m.path("device").asText().equals(device));
        }
    }
}
