package org.telemetryhub.hub.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardPage;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.HubInBrowser;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/**
 * What the dashboard tells an operator about a device's health, on a laptop and on a phone: lost readings apart from
 * rejected ones, presence of devices that send over HTTP, gaps only where a device really fell silent, and header
 * figures that follow the live stream.
 */
class DashboardTruthTest extends HubInBrowser {

    @AfterEach
    void pageHadNoProblems() {
        assertEquals(List.of(), browser.problems());
    }

    @ParameterizedTest(name = "at {0} px")
    @ValueSource(ints = {1366, 390})
    void a_device_with_rejected_readings_shows_no_holes_and_its_rejections_apart(int width) {
        String id = "rejecting-" + width;
        Api.Device device = provision(id, "truth-" + width, 1000);
        long start = hub.clock.millis() - 10_000;
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(reading(1, start, "21.0"));
            client.send(reading(2, start + 1000, "21.1"));
            client.send(reading(3, start + 2000, "\"hot\""));
            client.send(reading(4, start + 3000, "\"hotter\""));
            client.send(reading(5, start + 4000, "21.4"));
            client.ack(5);
        }
        DashboardPage page = openAt(width);

        browser.await(d -> page.fleetDevices().contains(id));
        browser.await(d -> page.fleetCell(id, "Rejected").equals("2"));
        assertEquals("0", page.fleetCell(id, "Holes"));
        page.openDevice(id);
        browser.await(d -> "2".equals(page.fact("rejected")) && "5".equals(page.fact("last-seq")));
        assertEquals("0", page.fact("holes"));
        browser.await(d -> List.of("rejected").equals(page.gapKinds("temperature")));
        assertTrue(page.rejectionsText().contains("seq 3") && page.rejectionsText().contains("seq 4"));
    }

    @ParameterizedTest(name = "at {0} px")
    @ValueSource(ints = {1366, 390})
    void a_lost_reading_is_a_hole_and_is_marked_apart_from_a_rejected_one(int width) {
        String id = "losing-" + width;
        Api.Device device = provision(id, "truth-" + width, 1000);
        long start = hub.clock.millis() - 10_000;
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(reading(1, start, "20.0"));
            client.send(reading(2, start + 1000, "\"hot\""));
            client.send(reading(3, start + 2000, "20.2"));
            client.send(reading(5, start + 3000, "20.4"));
            client.ack(5);
        }
        DashboardPage page = openAt(width);

        browser.await(d -> page.fleetDevices().contains(id) && page.fleetCell(id, "Holes").equals("1"));
        page.openDevice(id);
        browser.await(d -> "1".equals(page.fact("holes")) && "1".equals(page.fact("rejected")));
        browser.await(d -> List.of("rejected", "missing").equals(page.gapKinds("temperature")));
    }

    @ParameterizedTest(name = "at {0} px")
    @ValueSource(ints = {1366, 390})
    void an_http_device_sending_every_second_shows_online_then_stale_then_offline(int width) {
        String id = "http-" + width;
        Api.Device device = provision(id, "truth-" + width, 1000);
        DashboardPage page = openAt(width);
        browser.await(d -> page.fleetDevices().contains(id));
        assertEquals("offline", page.fleetCell(id, "Presence"));

        String ticket = admin.ticket(device);
        for (long seq = 1; seq <= 3; seq++) {
            hub.clock.advance(1000);
            assertEquals(200, admin.ingest(id, ticket, reading(seq, hub.clock.millis(), "19.5")).status());
        }

        browser.await(d -> page.fleetCell(id, "Presence").equals("online"));
        hub.clock.advance(3000);
        browser.await(d -> page.fleetCell(id, "Presence").equals("stale"));
        hub.clock.advance(3000);
        browser.await(d -> page.fleetCell(id, "Presence").equals("offline"));
    }

    @ParameterizedTest(name = "at {0} px")
    @ValueSource(ints = {1366, 390})
    void a_device_that_changes_its_rate_shows_no_gap_and_a_real_silence_shows_one(int width) {
        String id = "speeding-" + width;
        Api.Device device = provision(id, "truth-" + width, 1000);
        List<Reading> readings = new ArrayList<>();
        long ts = hub.clock.millis() - 60_000;
        for (int i = 0; i < 20; i++, ts += 1000) {
            readings.add(new Reading(readings.size() + 1, ts, Map.of("temperature", 20.0)));
        }
        for (int i = 0; i < 300; i++, ts += 10) {
            readings.add(new Reading(readings.size() + 1, ts, Map.of("temperature", 21.0)));
        }
        DashboardPage page = openAt(width);
        page.openDevice(id);

        send(device, readings);

        browser.await(d -> page.offsets().size() == 320 && page.series("temperature") != null
                && nonNull(page.series("temperature")) == 320);
        assertEquals(List.of(), page.gapKinds("temperature"), "1/s, then 100/s: no part of it is missing");

        ts += 10_000;
        List<Reading> after = new ArrayList<>();
        for (int i = 0; i < 5; i++, ts += 1000) {
            after.add(new Reading(321 + i, ts, Map.of("temperature", 22.0)));
        }
        send(device, after);
        browser.await(d -> nonNull(page.series("temperature")) == 325);
        assertEquals(List.of("silence"), page.gapKinds("temperature"), "ten silent seconds of a 1 s device");
    }

    @ParameterizedTest(name = "at {0} px")
    @ValueSource(ints = {1366, 390})
    void the_room_header_follows_the_live_stream(int width) {
        String id = "live-head-" + width;
        Api.Device device = provision(id, "truth-" + width, 60_000);
        DashboardPage page = openAt(width);
        page.openDevice(id);
        browser.await(d -> page.fact("last-seq").equals("–") && page.fact("holes").equals("0"));

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(reading(1, hub.clock.millis(), "18.0"));
            client.send(reading(2, hub.clock.millis(), "\"cold\""));
            client.send(reading(3, hub.clock.millis(), "18.2"));
            client.ack(3);

            browser.await(Duration.ofSeconds(3), d -> page.fact("last-seq").equals("3")
                    && page.fact("rejected").equals("1") && page.fact("holes").equals("0"));
        }
    }

    private DashboardPage openAt(int width) {
        browser.viewport(width, 900);
        return new DashboardPage(browser, hub.url()).openSignedOut().signInAsAdmin();
    }

    private static Api.Device provision(String id, String namespace, long reportIntervalMs) {
        Api.Answer answer = admin.post("/api/devices", Map.of("deviceId", id, "namespace", namespace,
                "reportIntervalMs", reportIntervalMs));
        assertEquals(201, answer.status(), answer.body().toString());
        return new Api.Device(id, answer.body().get("secret").asText());
    }

    private static void send(Api.Device device, List<Reading> readings) {
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Wire.batchFrame(readings));
            client.ack(readings.get(readings.size() - 1).seq());
        }
    }

    /** A reading frame whose temperature is written as given (a number, or a quoted string the hub rejects). */
    private static String reading(long seq, long ts, String temperature) {
        return "{\"type\":\"reading\",\"seq\":" + seq + ",\"ts\":" + ts + ",\"metrics\":{\"temperature\":"
                + temperature + "}}";
    }

    private static long nonNull(Map<String, Object> series) {
        return series == null ? -1 : ((List<?>) series.get("values")).stream().filter(Objects::nonNull).count();
    }
}
