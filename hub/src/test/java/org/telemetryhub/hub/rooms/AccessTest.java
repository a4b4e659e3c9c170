package org.telemetryhub.hub.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardClient;
import org.telemetryhub.hub.support.TestHub;

/** Viewers see only their namespaces on every path; dashboards need a session and, with a cookie, an allowed Origin. */
class AccessTest {

    static final String VIEWER_PASSWORD = "viewer-password-long";
    static TestHub hub;
    static Api admin;
    static Api viewer;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("limits.authFailuresPerAddress", "1000"));
        admin = hub.admin();
        admin.provision("plant-a-1", "plant-a");
        admin.provision("plant-b-1", "plant-b");
        Api.Answer created = admin.post("/api/operators", Map.of("username", "ana", "password", VIEWER_PASSWORD,
                "role", "viewer", "namespaces", List.of("plant-a")));
        assertEquals(201, created.status(), created.body().toString());
        viewer = Api.signedIn(hub.url(), "ana", VIEWER_PASSWORD);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/devices/plant-b-1/readings?after=0", "/api/devices/plant-b-1/readings?from=0&to=1",
            "/api/devices/plant-b-1/readings?from=0&to=60000&bucketMs=60000", "/api/devices/plant-b-1/rejections",
            "/api/devices/plant-b-1/stream", "/api/devices/no-such-device/rejections"})
    void a_viewer_gets_403_forbidden_outside_its_namespaces(String path) {
        Api.Answer answer = viewer.get(path);

        assertEquals(403, answer.status());
        assertEquals("forbidden", answer.error());
    }

    @Test
    void a_viewer_reads_its_own_namespace() {
        assertEquals(200, viewer.get("/api/devices/plant-a-1/readings?after=0").status());
        assertEquals(200, viewer.get("/api/devices/plant-a-1/rejections").status());
    }

    @Test
    void a_viewer_lists_only_its_namespaces_devices() {
        JsonNode devices = viewer.get("/api/devices").body().get("devices");

        assertEquals(1, devices.size());
        assertEquals("plant-a-1", devices.get(0).get("deviceId").asText());
    }

    @Test
    void a_viewer_cannot_provision_or_create_operators() {
        assertEquals(403, viewer.post("/api/devices", Map.of("deviceId", "sneaky")).status());
        assertEquals(403, viewer.post("/api/operators", Map.of("username", "x", "password", VIEWER_PASSWORD,
                "role", "admin")).status());
    }

    @Test
    void a_viewer_dashboard_is_forbidden_other_namespaces_and_their_devices() {
        try (DashboardClient dashboard = DashboardClient.connect(hub.dashboardSocket(), viewer.token())) {
            dashboard.subscribe("plant-b-1", null);
            JsonNode device = dashboard.next("error");
            dashboard.subscribe("no-such-device", null);
            JsonNode unknown = dashboard.next("error");
            dashboard.send("{\"type\":\"subscribe\",\"namespace\":\"plant-b\"}");
            JsonNode namespace = dashboard.next("error");
            dashboard.send("{\"type\":\"subscribe\",\"namespace\":\"plant-a\"}");
            JsonNode own = dashboard.next("subscribed");

            assertEquals("forbidden", device.get("error").asText());
            assertEquals("forbidden", unknown.get("error").asText());
            assertEquals("forbidden", namespace.get("error").asText());
            assertEquals("plant-a-1", own.get("devices").get(0).get("device").asText());
        }
    }

    @Test
    void a_200_kb_device_id_or_namespace_in_a_subscribe_is_not_echoed_back_whole() {
        String longId = "x".repeat(200_000);
        try (DashboardClient admins = hub.dashboard();
             DashboardClient viewers = DashboardClient.connect(hub.dashboardSocket(), viewer.token())) {
            admins.subscribe(longId, null);
            JsonNode unknown = admins.next("error");
            viewers.subscribe(longId, null);
            JsonNode forbidden = viewers.next("error");
            admins.send("{\"type\":\"subscribe\",\"namespace\":\"" + longId + "\"}");
            JsonNode badNamespace = admins.next("error");
            admins.send("{\"type\":\"subscribe\",\"device\":\"d\",\"after\":\"" + longId + "\"}");
            JsonNode badAfter = admins.next("error");

            for (JsonNode error : List.of(unknown, forbidden, badNamespace, badAfter)) {
                assertTrue(error.toString().length() < 1_000, () -> error.toString().substring(0, 1_000));
            }
            assertEquals("x".repeat(64) + "...", unknown.get("device").asText());
        }
    }

    @Test
    void an_admin_dashboard_gets_unknown_device_for_an_id_that_does_not_exist() {
        try (DashboardClient dashboard = hub.dashboard()) {
            dashboard.subscribe("no-such-device", null);

            assertEquals("unknown_device", dashboard.next("error").get("error").asText());
        }
    }

    @Test
    void a_dashboard_upgrade_needs_a_session_and_with_a_cookie_an_allowed_origin() throws Exception {
        String cookie = cookie();

        assertEquals(401, DashboardClient.refusedStatus(hub.dashboardSocket(), Map.of()));
        assertEquals(403, DashboardClient.refusedStatus(hub.dashboardSocket(), Map.of("Cookie", cookie)));
        assertEquals(403, DashboardClient.refusedStatus(hub.dashboardSocket(),
                Map.of("Cookie", cookie, "Origin", "https://evil.example")));
        assertEquals(403, DashboardClient.refusedStatus(hub.dashboardSocket(),
                Map.of("Authorization", "Bearer " + admin.token(), "Origin", "https://evil.example")));
        assertEquals(101, DashboardClient.refusedStatus(hub.dashboardSocket(),
                Map.of("Cookie", cookie, "Origin", hub.url())));
        assertEquals(401, DashboardClient.refusedStatus(URI.create(hub.dashboardSocket() + "?token="
                + admin.token()), Map.of()));
    }

    @Test
    void http_paths_need_a_session_and_refuse_a_foreign_origin() {
        assertEquals(401, hub.anonymous().get("/api/devices/plant-a-1/stream").status());
        assertEquals(401, hub.anonymous().get("/api/devices/plant-a-1/readings?after=0").status());
        assertEquals(403, admin.postRaw("/api/devices", "{\"deviceId\":\"x1\"}",
                Map.of("Origin", "https://evil.example")).status());
    }

    @Test
    void operators_are_validated_and_unique() {
        assertEquals(409, admin.post("/api/operators", Map.of("username", "ana", "password", VIEWER_PASSWORD,
                "role", "viewer")).status());
        assertEquals("bad_message", admin.post("/api/operators", Map.of("username", "bob", "password", "short",
                "role", "viewer")).error());
        assertEquals("bad_message", admin.post("/api/operators", Map.of("username", "bob", "password",
                VIEWER_PASSWORD, "role", "root")).error());
        assertEquals("invalid_namespace", admin.post("/api/operators", Map.of("username", "bob", "password",
                VIEWER_PASSWORD, "role", "viewer", "namespaces", List.of("no spaces"))).error());
    }

    static String cookie() throws Exception {
        HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(hub.url() + "/api/login"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\""
                        + TestHub.ADMIN_PASSWORD + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        return login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }
}
