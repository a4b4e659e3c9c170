package org.telemetryhub.hub.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.store.DeviceStore;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.TestHub;

/** The device list by page, one device, and units per metric. */
class DeviceListTest {

    static final int FLEET = 10_000;
    static TestHub hub;
    static Api admin;
    static Api viewer;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
        admin = hub.admin();
        DeviceStore devices = hub.hub.devices();
        for (int i = 0; i < FLEET; i++) {
            devices.create(fleetId(i), i % 10 == 0 ? "tenth" : "fleet", 60_000, Map.of(), "hash", 0);
        }
        admin.post("/api/operators", Map.of("username", "tenth-viewer", "password", "viewer-password-1",
                "role", "viewer", "namespaces", List.of("tenth")));
        viewer = Api.signedIn(hub.url(), "tenth-viewer", "viewer-password-1");
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static String fleetId(int i) {
        return String.format("fleet-%05d", i);
    }

    @Test
    void pages_of_the_device_list_run_through_a_fleet_of_ten_thousand_by_id_with_no_gap_or_repeat() {
        List<String> ids = pageThrough(admin, 2_000);

        List<String> fleet = ids.stream().filter(id -> id.startsWith("fleet-")).toList();
        assertEquals(IntStream.range(0, FLEET).mapToObj(DeviceListTest::fleetId).toList(), fleet);
        assertEquals(ids.stream().sorted().toList(), ids, "ordered by id");
    }

    @Test
    void a_page_holds_five_hundred_devices_unless_asked_and_names_the_next_one_to_start_after() {
        JsonNode first = admin.get("/api/devices?after=").body();
        JsonNode small = admin.get("/api/devices?limit=2&after=fleet-00009").body();

        assertEquals(500, first.get("devices").size());
        assertEquals(List.of("fleet-00010", "fleet-00011"), ids(small));
        assertEquals("fleet-00011", small.get("next").asText());
    }

    @Test
    void a_viewer_pages_only_through_its_namespaces_and_its_pages_stay_full() {
        JsonNode page = viewer.get("/api/devices?limit=100").body();

        assertEquals(100, page.get("devices").size());
        page.get("devices").forEach(device -> assertEquals("tenth", device.get("namespace").asText()));
        assertEquals(FLEET / 10, pageThrough(viewer, 333).size());
    }

    @Test
    void a_limit_outside_its_bounds_is_refused_with_the_rule() {
        Api.Answer answer = admin.get("/api/devices?limit=2001");

        assertEquals(400, answer.status());
        assertEquals("limit must be an integer in [1, 2000], but was \"2001\"", answer.body().get("message").asText());
    }

    @Test
    void one_device_is_shown_to_those_who_may_see_it() {
        assertEquals("fleet-00010", viewer.get("/api/devices/fleet-00010").body().get("deviceId").asText());
        assertEquals(403, viewer.get("/api/devices/fleet-00011").status());
        assertEquals(403, viewer.get("/api/devices/no-such-device").status());
        assertEquals(404, admin.get("/api/devices/no-such-device").status());
    }

    @Test
    void units_given_at_provisioning_are_shown_and_an_admin_replaces_them() {
        Api.Answer created = admin.post("/api/devices", Map.of("deviceId", "with-units",
                "units", Map.of("temperature", "°C", "humidity", "%")));
        assertEquals(201, created.status());
        assertEquals("{\"humidity\":\"%\",\"temperature\":\"°C\"}", created.body().get("units").toString());

        Api.Answer replaced = admin.put("/api/devices/with-units/units", Map.of("units", Map.of("pressure", "hPa")));

        assertEquals(200, replaced.status());
        assertEquals("{\"pressure\":\"hPa\"}", replaced.body().get("units").toString());
        assertEquals("{\"pressure\":\"hPa\"}", admin.get("/api/devices/with-units").body().get("units").toString());
        assertEquals("{}", admin.get("/api/devices/fleet-00001").body().get("units").toString());
    }

    @Test
    void units_that_break_the_rules_are_refused_naming_the_metric_the_rule_and_the_value() {
        admin.post("/api/devices", Map.of("deviceId", "unit-rules"));

        Api.Answer tooLong = admin.put("/api/devices/unit-rules/units",
                Map.of("units", Map.of("temperature", "degrees Celsius!!")));
        Api.Answer control = admin.put("/api/devices/unit-rules/units",
                Map.of("units", Map.of("temperature", "°C\u0007")));
        Api.Answer badName = admin.put("/api/devices/unit-rules/units", Map.of("units", Map.of("temp °C", "°C")));
        Api.Answer notText = admin.put("/api/devices/unit-rules/units", Map.of("units", Map.of("temperature", 1)));

        assertEquals(400, tooLong.status());
        assertEquals("invalid_unit", tooLong.error());
        assertEquals("units.temperature must be 1 to 16 printable characters with no space at either end, but was "
                + "\"degrees Celsius!!\"", tooLong.body().get("message").asText());
        assertEquals("invalid_unit", control.error());
        assertTrue(control.body().get("message").asText().endsWith("but was \"°C\\u0007\""),
                control.body().toString());
        assertEquals("invalid_metric_name", badName.error());
        assertEquals("bad_message", notText.error());
        assertEquals("{}", admin.get("/api/devices/unit-rules").body().get("units").toString());
    }

    @Test
    void only_an_admin_sets_units() {
        Api.Answer answer = viewer.put("/api/devices/fleet-00010/units", Map.of("units", Map.of("t", "K")));

        assertEquals(403, answer.status());
    }

    /** Every device id the caller sees, page by page. */
    static List<String> pageThrough(Api caller, int limit) {
        List<String> ids = new ArrayList<>();
        String after = "";
        while (after != null) {
            JsonNode page = caller.get("/api/devices?limit=" + limit + "&after=" + after).body();
            ids.addAll(ids(page));
            after = page.get("next").isNull() ? null : page.get("next").asText();
        }
        return ids;
    }

    static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("devices").forEach(device -> ids.add(device.get("deviceId").asText()));
        return ids;
    }
}
