package org.telemetryhub.hub.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.TestHub;

/** Failed logins and ticket requests are throttled per address and per name, counted apart. */
class ThrottleTest {

    TestHub hub;

    @BeforeEach
    void start() {
        hub = TestHub.start();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void the_sixth_failed_login_for_one_username_gets_429() {
        Api api = hub.anonymous();
        for (int i = 0; i < 5; i++) {
            assertEquals(401, api.post("/api/login", Map.of("username", "admin", "password", "wrong")).status());
        }

        Api.Answer sixth = api.post("/api/login", Map.of("username", "admin", "password", TestHub.ADMIN_PASSWORD));

        assertEquals(429, sixth.status());
        assertEquals("rate_limited", sixth.error());
        assertNotNull(sixth.raw().headers().firstValue("Retry-After").orElse(null));
    }

    @Test
    void the_eleventh_failed_login_from_one_address_gets_429() {
        Api api = hub.anonymous();
        for (int i = 0; i < 10; i++) {
            assertEquals(401, api.post("/api/login", Map.of("username", "user" + i, "password", "x")).status());
        }

        assertEquals(429, api.post("/api/login", Map.of("username", "admin", "password", "x")).status());
    }

    @Test
    void failed_ticket_requests_are_counted_apart_from_logins() {
        Api admin = hub.admin();
        Api.Device device = admin.provision("guessed");
        for (int i = 0; i < 5; i++) {
            assertEquals(401, admin.post("/api/tickets", Map.of("deviceId", "guessed", "secret", "x")).status());
        }

        Api.Answer sixth = admin.post("/api/tickets", Map.of("deviceId", "guessed", "secret", device.secret()));

        assertEquals(429, sixth.status());
        assertEquals("rate_limited", sixth.error());
        assertEquals(200, hub.anonymous().post("/api/login",
                Map.of("username", "admin", "password", TestHub.ADMIN_PASSWORD)).status());
    }
}
