package org.telemetryhub.hub.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;

/** Tickets open one connection, once, for their own device, for at most 60 s; every refusal is a 401 before the upgrade. */
class TicketTest {

    static TestHub hub;
    static Api admin;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("limits.authFailuresPerAddress", "1000"));
        admin = hub.admin();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void issues_a_ticket_with_the_last_stored_seq() {
        Api.Device device = admin.provision("numbered");
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Readings.batch(1, 41, hub.clock.millis()));
            client.ack(41);
        }

        Api.Answer answer = admin.post("/api/tickets", Map.of("deviceId", "numbered", "secret", device.secret()));

        assertEquals(201, answer.status());
        assertEquals(41, answer.body().get("lastSeq").asLong());
        assertTrue(answer.body().get("ticket").asText().length() >= 43, "at least 256 bits, base64url");
        assertTrue(answer.body().get("expiresAt").asLong() <= hub.clock.millis() + 60_000);
    }

    @Test
    void refuses_a_missing_ticket_before_the_upgrade() {
        assertEquals(401, DeviceClient.refusedStatus(hub.deviceSocket(), null));
    }

    @Test
    void refuses_a_forged_ticket_before_the_upgrade() {
        assertEquals(401, DeviceClient.refusedStatus(hub.deviceSocket(), "bm90LWEtcmVhbC10aWNrZXQtYXQtYWxsLW5vLW5vLW5v"));
    }

    @Test
    void refuses_a_reused_ticket_before_the_upgrade() {
        Api.Device device = admin.provision("reuser");
        String ticket = admin.ticket(device);
        DeviceClient.connect(hub.deviceSocket(), ticket).close();

        assertEquals(401, DeviceClient.refusedStatus(hub.deviceSocket(), ticket));
    }

    @Test
    void refuses_an_expired_ticket_before_the_upgrade() {
        Api.Device device = admin.provision("late");
        String ticket = admin.ticket(device);

        hub.clock.advance(60_001);

        assertEquals(401, DeviceClient.refusedStatus(hub.deviceSocket(), ticket));
    }

    @Test
    void refuses_a_ticket_of_a_revoked_device_before_the_upgrade() {
        Api.Device device = admin.provision("revoked-early");
        String ticket = admin.ticket(device);

        assertEquals(204, admin.delete("/api/devices/revoked-early").status());

        assertEquals(401, DeviceClient.refusedStatus(hub.deviceSocket(), ticket));
    }

    @Test
    void refuses_a_ticket_issued_under_a_rotated_secret() {
        Api.Device device = admin.provision("rotated");
        String ticket = admin.ticket(device);

        Api.Answer rotation = admin.post("/api/devices/rotated/secret", Map.of());

        assertEquals(200, rotation.status());
        assertEquals(401, DeviceClient.refusedStatus(hub.deviceSocket(), ticket));
        assertEquals(401, admin.post("/api/tickets", Map.of("deviceId", "rotated", "secret", device.secret())).status());
        String fresh = admin.ticket(new Api.Device("rotated", rotation.body().get("secret").asText()));
        assertEquals(101, DeviceClient.refusedStatus(hub.deviceSocket(), fresh));
    }

    @Test
    void accepts_the_ticket_in_the_query_for_clients_that_cannot_set_headers() {
        Api.Device device = admin.provision("query-ticket");
        String ticket = admin.ticket(device);

        var uri = java.net.URI.create(hub.deviceSocket() + "?ticket=" + ticket);
        try (DeviceClient client = DeviceClient.connect(uri, null)) {
            client.send(Readings.one(1, hub.clock.millis()));
            client.ack(1);
        }
    }

    @Test
    void an_http_ticket_of_another_device_gets_403_and_an_unknown_one_401() {
        Api.Device mine = admin.provision("http-owner");
        admin.provision("http-other");
        String ticket = admin.ticket(mine);

        Api.Answer other = admin.ingest("http-other", ticket, Readings.one(1, hub.clock.millis()));
        Api.Answer unknown = admin.ingest("http-other", "nope", Readings.one(1, hub.clock.millis()));

        assertEquals(403, other.status());
        assertEquals("forbidden", other.error());
        assertEquals(401, unknown.status());
        assertEquals("unauthorized", unknown.error());
    }

    @Test
    void a_ticket_used_for_http_stays_usable_for_http_but_opens_no_connection() {
        Api.Device device = admin.provision("http-then-ws");
        String ticket = admin.ticket(device);

        assertEquals(200, admin.ingest("http-then-ws", ticket, Readings.one(1, hub.clock.millis())).status());
        assertEquals(200, admin.ingest("http-then-ws", ticket, Readings.one(2, hub.clock.millis())).status());

        assertEquals(401, DeviceClient.refusedStatus(hub.deviceSocket(), ticket));
    }

    @Test
    void a_ticket_that_opened_a_connection_is_used_up_for_http_too() {
        Api.Device device = admin.provision("ws-then-http");
        String ticket = admin.ticket(device);
        DeviceClient.connect(hub.deviceSocket(), ticket).close();

        assertEquals(401, admin.ingest("ws-then-http", ticket, Readings.one(1, hub.clock.millis())).status());
    }

    @Test
    void a_wrong_secret_and_an_unknown_device_get_the_same_answer() {
        admin.provision("secretive");

        Api.Answer wrong = admin.post("/api/tickets", Map.of("deviceId", "secretive", "secret", "guess"));
        Api.Answer unknown = admin.post("/api/tickets", Map.of("deviceId", "nobody", "secret", "guess"));

        assertEquals(401, wrong.status());
        assertEquals(wrong.status(), unknown.status());
        assertEquals(wrong.body(), unknown.body());
        assertEquals("bad_credentials", wrong.error());
    }

    @Test
    void offers_hub_v1_back_and_refuses_an_offer_without_it() {
        Api.Device device = admin.provision("subprotocol");

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device), List.of("hub.v1"))) {
            assertEquals("hub.v1", client.subprotocol());
        }
        assertEquals(400, DeviceClient.refusedStatus(hub.deviceSocket(), admin.ticket(device), List.of("mqtt")));
    }

    @Test
    void deleting_a_device_closes_its_socket_within_a_second() {
        Api.Device device = admin.provision("to-revoke");
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            long started = System.nanoTime();

            admin.delete("/api/devices/to-revoke");

            assertEquals(1008, client.awaitClose());
            assertTrue(System.nanoTime() - started < 1_000_000_000L, "closed within 1 s");
        }
        assertFalse(admin.get("/api/devices").body().toString().contains("to-revoke"));
    }

    @Test
    void a_reprovisioned_id_is_a_new_device() {
        Api.Device first = admin.provision("phoenix");
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(first))) {
            client.send(Readings.batch(1, 10, hub.clock.millis()));
            client.ack(10);
        }
        admin.delete("/api/devices/phoenix");

        Api.Device second = admin.provision("phoenix");
        Api.Answer ticket = admin.post("/api/tickets", Map.of("deviceId", "phoenix", "secret", second.secret()));

        assertEquals(0, ticket.body().get("lastSeq").asLong());
        assertEquals(401, admin.post("/api/tickets", Map.of("deviceId", "phoenix", "secret", first.secret())).status());
    }
}
