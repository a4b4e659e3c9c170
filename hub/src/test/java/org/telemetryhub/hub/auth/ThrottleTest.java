package org.telemetryhub.hub.auth;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.TestHub;

/**
 * Failures cost the failer, never the owner of a valid credential: failed ticket requests are throttled per address
 * and per (address, device id) while a right secret always gets its ticket; logins for one username take turns, each
 * waiting longer after failures, so neither concurrency nor a lockout can be used against the operator.
 */
class ThrottleTest {

    TestHub hub;
    Api admin;
    /** One thread per client, so that their requests are in flight together. */
    final ExecutorService clients = Executors.newCachedThreadPool();

    @BeforeEach
    void start() {
        hub = TestHub.start();
        admin = hub.admin();
    }

    @AfterEach
    void stop() {
        clients.shutdownNow();
        hub.close();
    }

    @Test
    void the_sixth_failed_ticket_request_for_one_device_id_from_one_address_gets_429() {
        admin.provision("guessed");
        for (int i = 0; i < 5; i++) {
            assertEquals(401, ticket("guessed", "wrong").status());
        }

        Api.Answer sixth = ticket("guessed", "wrong");

        assertEquals(429, sixth.status());
        assertEquals("rate_limited", sixth.error());
        assertEquals("60", sixth.raw().headers().firstValue("Retry-After").orElseThrow());
    }

    @Test
    void the_eleventh_failed_ticket_request_from_one_address_gets_429() {
        for (int i = 0; i < 10; i++) {
            assertEquals(401, ticket("nobody-" + i, "wrong").status());
        }

        assertEquals(429, ticket("nobody-10", "wrong").status());
    }

    @Test
    void a_right_secret_gets_its_ticket_however_many_failures_its_address_made_for_it() {
        Api.Device device = admin.provision("owned");
        for (int i = 0; i < 30; i++) {
            ticket("owned", "wrong");
            ticket("other-" + i, "wrong");
        }

        Api.Answer right = ticket("owned", device.secret());

        assertEquals(201, right.status());
        assertEquals(101, DeviceClient.refusedStatus(hub.deviceSocket(), right.body().get("ticket").asText()));
    }

    @Test
    void a_valid_ticket_opens_its_connection_however_many_forged_ones_its_address_sent() {
        Api.Device device = admin.provision("forged-around");
        String ticket = admin.ticket(device);
        for (int i = 0; i < 15; i++) {
            DeviceClient.refusedStatus(hub.deviceSocket(), "forged-" + i);
        }

        assertEquals(429, DeviceClient.refusedStatus(hub.deviceSocket(), "forged-again"));
        assertEquals(101, DeviceClient.refusedStatus(hub.deviceSocket(), ticket));
    }

    @Test
    void a_device_gets_twenty_tickets_at_once_then_one_a_second() {
        Api.Device device = admin.provision("eager");
        for (int i = 0; i < 20; i++) {
            assertEquals(201, ticket("eager", device.secret()).status());
        }

        Api.Answer limited = ticket("eager", device.secret());

        assertEquals(429, limited.status());
        assertEquals("rate_limited", limited.error());
        assertEquals("1", limited.raw().headers().firstValue("Retry-After").orElseThrow());
        assertTrue(limited.body().get("message").asText().startsWith(
                "device eager may get 20 tickets at once, then 1 a second; retry after "), limited.body().toString());
        await().atMost(Duration.ofSeconds(2)).until(() -> ticket("eager", device.secret()).status() == 201);
    }

    @Test
    void concurrent_wrong_logins_are_not_all_checked_and_the_right_password_then_works_within_two_seconds() {
        List<CompletableFuture<Api.Answer>> storm = IntStream.range(0, 200)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> login("admin", "wrong-" + i), clients))
                .toList();
        List<Integer> statuses = storm.stream().map(answer -> answer.join().status()).toList();

        long started = System.nanoTime();
        Api.Answer right = login("admin", TestHub.ADMIN_PASSWORD);

        long checked = statuses.stream().filter(status -> status == 401).count();
        assertEquals(200, checked + statuses.stream().filter(status -> status == 429).count(), statuses.toString());
        assertTrue(checked <= 20, "one at a time, each after a growing wait: " + checked + " of 200 were checked");
        assertEquals(200, right.status());
        assertTrue(System.nanoTime() - started < 2_500_000_000L, "the right password waited at most its turn");
    }

    @Test
    void each_failed_login_makes_the_next_attempt_for_that_username_wait_longer_but_never_refuses_the_right_one() {
        for (int i = 0; i < 3; i++) {
            assertEquals(401, login("admin", "wrong").status());
        }

        long started = System.nanoTime();
        Api.Answer fourth = login("admin", "wrong");
        long fourthMs = (System.nanoTime() - started) / 1_000_000;
        Api.Answer right = login("admin", TestHub.ADMIN_PASSWORD);

        assertEquals(401, fourth.status());
        assertTrue(fourthMs >= 900, "after three failures an attempt waits a second, but took " + fourthMs + " ms");
        assertEquals(200, right.status());
    }

    @Test
    void a_second_login_for_a_username_from_the_address_of_a_waiting_one_gets_429_at_once() {
        for (int i = 0; i < 4; i++) {
            login("admin", "wrong");
        }

        List<long[]> answers = List.of(timedLogin(), timedLogin()).stream().map(CompletableFuture::join)
                .sorted((a, b) -> Long.compare(a[0], b[0])).toList();

        assertEquals(401, answers.get(0)[0], "one was checked after its wait");
        assertTrue(answers.get(0)[1] >= 1_900, "it waited two seconds: " + answers.get(0)[1] + " ms");
        assertEquals(429, answers.get(1)[0], "the other was refused unchecked");
        assertTrue(answers.get(1)[1] < 1_000, "at once: " + answers.get(1)[1] + " ms");
    }

    /** A wrong login's status and how long its answer took, in ms. */
    CompletableFuture<long[]> timedLogin() {
        return CompletableFuture.supplyAsync(() -> {
            long started = System.nanoTime();
            int status = login("admin", "wrong").status();
            return new long[] {status, (System.nanoTime() - started) / 1_000_000};
        }, clients);
    }

    Api.Answer ticket(String deviceId, String secret) {
        return hub.anonymous().post("/api/tickets", Map.of("deviceId", deviceId, "secret", secret));
    }

    Api.Answer login(String username, String password) {
        return hub.anonymous().post("/api/login", Map.of("username", username, "password", password));
    }
}
