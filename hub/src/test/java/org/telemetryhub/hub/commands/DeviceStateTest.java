package org.telemetryhub.hub.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.OneHub;

/** Desired state under version checks, reported state from devices, and the delta between them. */
class DeviceStateTest extends OneHub {

    @Test
    void desired_state_needs_if_match_and_refuses_a_stale_version() {
        admin.provision("state-versions");
        String path = "/api/devices/state-versions/state/desired";

        Api.Answer missing = admin.put(path, Map.of("intervalMs", 5000), Map.of());
        Api.Answer first = admin.put(path, Map.of("intervalMs", 5000), Map.of("If-Match", "\"0\""));
        Api.Answer stale = admin.put(path, Map.of("intervalMs", 1000), Map.of("If-Match", "\"0\""));
        Api.Answer second = admin.put(path, Map.of("intervalMs", 1000), Map.of("If-Match", "\"1\""));

        assertEquals(428, missing.status());
        assertEquals("precondition_required", missing.error());
        assertEquals("{\"desiredVersion\":1}", first.body().toString());
        assertEquals(412, stale.status());
        assertEquals("version_conflict", stale.error());
        assertEquals("If-Match must name the current desired version 1, but was 0",
                stale.body().get("message").asText());
        assertEquals("{\"desiredVersion\":2}", second.body().toString());
    }

    @Test
    void a_viewer_cannot_change_desired_state() {
        admin.provision("state-viewer", "line-8");
        admin.post("/api/operators", Map.of("username", "state-viewer", "password", "viewer-password-1",
                "role", "viewer", "namespaces", java.util.List.of("line-8")));
        Api viewer = Api.signedIn(hub.url(), "state-viewer", "viewer-password-1");

        Api.Answer refused = viewer.put("/api/devices/state-viewer/state/desired", Map.of("a", 1),
                Map.of("If-Match", "\"0\""));

        assertEquals(403, refused.status());
        assertEquals(200, viewer.get("/api/devices/state-viewer/state").status());
    }

    @Test
    void a_device_hears_its_delta_on_connect_and_on_every_change_and_reports_what_it_applied() {
        Api.Device device = admin.provision("state-ws");
        String path = "/api/devices/state-ws/state/desired";
        // ordered, so that the delta the device hears has a known order
        admin.put(path, new TreeMap<>(Map.of("intervalMs", 5000, "mode", "eco")), Map.of("If-Match", "\"0\""));

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            JsonNode onConnect = client.next();
            client.send("{\"type\":\"state\",\"reported\":{\"intervalMs\":5000,\"mode\":\"boost\"}}");
            JsonNode ack = client.next();
            admin.put(path, new TreeMap<>(Map.of("intervalMs", 2000, "mode", "boost")), Map.of("If-Match", "\"1\""));
            JsonNode onChange = client.next();

            assertEquals("{\"type\":\"state_delta\",\"desiredVersion\":1,\"delta\":{\"intervalMs\":5000,"
                    + "\"mode\":\"eco\"}}", onConnect.toString());
            assertEquals("{\"type\":\"state_ack\",\"reportedVersion\":1}", ack.toString());
            assertEquals("{\"type\":\"state_delta\",\"desiredVersion\":2,\"delta\":{\"intervalMs\":2000}}",
                    onChange.toString());
        }
        JsonNode state = admin.get("/api/devices/state-ws/state").body();
        assertEquals("{\"intervalMs\":2000}", state.get("delta").toString());
        assertEquals(2, state.get("desiredVersion").asInt());
        assertEquals(1, state.get("reportedVersion").asInt());
    }

    @Test
    void an_http_device_reports_and_reads_its_state_with_its_ticket_only() {
        Api.Device device = admin.provision("state-http");
        admin.provision("state-other");
        Api http = admin.withBearer(admin.ticket(device));
        admin.put("/api/devices/state-http/state/desired", Map.of("intervalMs", 1.0e3), Map.of("If-Match", "\"0\""));

        Api.Answer reported = http.put("/api/devices/state-http/state/reported", Map.of("intervalMs", 1000),
                Map.of());
        Api.Answer read = http.get("/api/devices/state-http/state");
        Api.Answer other = http.get("/api/devices/state-other/state");

        assertEquals("{\"reportedVersion\":1}", reported.body().toString());
        assertEquals("{}", read.body().get("delta").toString());
        assertEquals(403, other.status());
    }
}
