package org.telemetryhub.hub.auth;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardClient;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;

/**
 * A session that ends (logout, expiry, a new password, the operator's deletion, a new role or namespaces) ends its
 * live streams within a second: dashboard sockets close with 4401 {@code session_ended} after a frame saying why,
 * SSE streams end with a {@code session_ended} event, and a waiting long-poll is answered 401 {@code session_ended}.
 * Cookie and bearer sessions alike; other sessions stay open.
 */
class SessionEndTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String PASSWORD = "a-long-enough-password";
    static final ExecutorService CLIENTS = Executors.newCachedThreadPool();
    static TestHub hub;
    static Api admin;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("limits.authFailuresPerAddress", "1000"));
        admin = hub.admin();
        Api.Device watched = admin.provision("watched");
        try (DeviceClient device = DeviceClient.connect(hub.deviceSocket(), admin.ticket(watched))) {
            device.send(Readings.one(1, hub.clock.millis()));
            device.ack(1);
        }
    }

    @AfterAll
    static void stop() {
        CLIENTS.shutdownNow();
        hub.close();
    }

    @Test
    void logout_closes_the_sessions_bearer_dashboard_with_4401_within_a_second() {
        Api session = hub.admin();
        try (DashboardClient dashboard = DashboardClient.connect(hub.dashboardSocket(), session.token())) {
            long started = System.nanoTime();

            assertEquals(204, session.post("/api/logout", "").status());

            JsonNode why = dashboard.next("error");
            assertEquals("session_ended", why.get("error").asText());
            assertEquals("the session ended because it was signed out; sign in again", why.get("message").asText());
            assertClosedWithinASecond(dashboard, started);
        }
    }

    @Test
    void logout_by_cookie_closes_the_browsers_cookie_dashboard() throws Exception {
        String cookie = cookieLogin("admin", TestHub.ADMIN_PASSWORD);
        try (DashboardClient dashboard = DashboardClient.connect(hub.dashboardSocket(),
                Map.of("Cookie", cookie, "Origin", hub.url()))) {

            assertEquals(204, send("POST", "/api/logout", Map.of("Cookie", cookie, "Origin", hub.url()))
                    .statusCode());

            assertEquals(4401, dashboard.awaitClose());
        }
    }

    @Test
    void logout_leaves_the_operators_other_sessions_open() {
        Api leaving = hub.admin();
        Api staying = hub.admin();
        try (DashboardClient stays = DashboardClient.connect(hub.dashboardSocket(), staying.token());
             DashboardClient closes = DashboardClient.connect(hub.dashboardSocket(), leaving.token())) {

            leaving.post("/api/logout", "");

            assertEquals(4401, closes.awaitClose());
            stays.subscribe("watched", null);
            assertEquals("subscribed", stays.next(m -> true).get("type").asText());
        }
    }

    @Test
    void logout_ends_the_sessions_sse_stream_with_a_session_ended_event() {
        Api session = hub.admin();
        Sse stream = Sse.open(session.token());

        session.post("/api/logout", "");

        assertEquals(List.of("reading", "session_ended"), stream.events().orTimeout(1, TimeUnit.SECONDS).join());
    }

    @Test
    void logout_answers_the_sessions_waiting_long_poll_401_session_ended() {
        try (TestHub alone = TestHub.start()) {
            Api session = alone.admin();
            session.provision("polled");
            CompletableFuture<Api.Answer> poll = CompletableFuture.supplyAsync(
                    () -> session.get("/api/devices/polled/readings?after=0&waitMs=30000"), CLIENTS);
            await().atMost(Duration.ofSeconds(5)).until(() -> liveStreams(alone) == 1);

            session.post("/api/logout", "");

            Api.Answer answer = poll.orTimeout(1, TimeUnit.SECONDS).join();
            assertEquals(401, answer.status());
            assertEquals("session_ended", answer.error());
            assertEquals("the session ended because it was signed out; sign in again",
                    answer.body().get("message").asText());
        }
    }

    @Test
    void an_expired_session_closes_its_dashboard_within_a_second_and_its_calls_say_why() {
        try (TestHub expiring = TestHub.start(Map.of("sessions.ttlMs", "60000"))) {
            Api session = expiring.admin();
            try (DashboardClient dashboard = DashboardClient.connect(expiring.dashboardSocket(), session.token())) {
                long started = System.nanoTime();

                expiring.clock.advance(60_000);

                assertEquals("the session ended because it expired; sign in again",
                        dashboard.next("error").get("message").asText());
                assertClosedWithinASecond(dashboard, started);
                assertRefusedSaying(session.get("/api/devices"), "the session ended because it expired; sign in again");
            }
        }
    }

    @Test
    void a_new_password_ends_every_session_of_the_operator() {
        Api viewer = viewer("repassworded");
        try (DashboardClient dashboard = DashboardClient.connect(hub.dashboardSocket(), viewer.token())) {
            long started = System.nanoTime();

            assertEquals(204, admin.put("/api/operators/repassworded/password",
                    Map.of("password", "another-long-password")).status());

            assertEquals("the session ended because the operator's password was changed; sign in again",
                    dashboard.next("error").get("message").asText());
            assertClosedWithinASecond(dashboard, started);
            assertRefusedSaying(viewer.get("/api/devices"),
                    "the session ended because the operator's password was changed; sign in again");
            assertEquals(200, Api.signedIn(hub.url(), "repassworded", "another-long-password").get("/api/devices")
                    .status());
        }
    }

    @Test
    void deleting_an_operator_ends_its_sessions() {
        Api viewer = viewer("deleted");
        try (DashboardClient dashboard = DashboardClient.connect(hub.dashboardSocket(), viewer.token())) {
            long started = System.nanoTime();

            assertEquals(204, admin.delete("/api/operators/deleted").status());

            assertEquals("the session ended because the operator was deleted",
                    dashboard.next("error").get("message").asText());
            assertClosedWithinASecond(dashboard, started);
            assertRefusedSaying(viewer.get("/api/devices"), "the session ended because the operator was deleted");
            assertEquals(404, admin.delete("/api/operators/deleted").status());
        }
    }

    @Test
    void a_new_role_or_namespaces_end_the_operators_sessions_and_the_next_login_has_them() {
        Api viewer = viewer("promoted");
        Sse stream = Sse.open(viewer.token());

        Api.Answer changed = admin.put("/api/operators/promoted", Map.of("role", "admin", "namespaces",
                List.of()));

        assertEquals(200, changed.status());
        assertEquals(List.of("reading", "session_ended"), stream.events().orTimeout(1, TimeUnit.SECONDS).join());
        assertEquals(401, viewer.get("/api/devices").status());
        Api.Answer login = hub.anonymous().post("/api/login", Map.of("username", "promoted", "password", PASSWORD));
        assertEquals("admin", login.body().get("role").asText());
    }

    @Test
    void every_call_with_a_session_that_ended_is_refused_saying_why_until_it_would_have_expired() {
        try (TestHub expiring = TestHub.start(Map.of("sessions.ttlMs", "60000"))) {
            Api session = expiring.admin();
            assertEquals(204, session.post("/api/logout", "").status());

            assertRefusedSaying(session.get("/api/devices"),
                    "the session ended because it was signed out; sign in again");
            assertRefusedSaying(session.post("/api/logout", ""),
                    "the session ended because it was signed out; sign in again");
            expiring.clock.advance(60_000);
            Api.Answer forgotten = session.get("/api/devices");
            assertEquals(401, forgotten.status());
            assertEquals("unauthorized", forgotten.error());
        }
    }

    @Test
    void a_bearer_token_never_issued_is_refused_401_unauthorized() {
        Api.Answer answer = hub.anonymous().withBearer("never-issued").get("/api/devices");

        assertEquals(401, answer.status());
        assertEquals("unauthorized", answer.error());
    }

    @Test
    void a_new_password_must_have_twelve_characters() {
        viewer("short-changed");

        Api.Answer answer = admin.put("/api/operators/short-changed/password", Map.of("password", "short"));

        assertEquals(400, answer.status());
        assertEquals("bad_message", answer.error());
        assertEquals("password must have at least 12 characters, but had 5", answer.body().get("message").asText());
    }

    @Test
    void changing_an_unknown_operator_gets_404_unknown_operator() {
        Api.Answer answer = admin.put("/api/operators/nobody", Map.of("role", "viewer", "namespaces", List.of()));

        assertEquals(404, answer.status());
        assertEquals("unknown_operator", answer.error());
    }

    /** The call was refused 401 session_ended, saying why. */
    static void assertRefusedSaying(Api.Answer answer, String why) {
        assertEquals(401, answer.status());
        assertEquals("session_ended", answer.error());
        assertEquals(why, answer.body().get("message").asText());
    }

    /** The dashboard was closed with 4401 less than a second after {@code started}. */
    static void assertClosedWithinASecond(DashboardClient dashboard, long started) {
        assertEquals(4401, dashboard.awaitClose());
        assertTrue(System.nanoTime() - started < 1_000_000_000L, "closed within 1 s");
    }

    /** A viewer of namespace default, signed in with a token. */
    static Api viewer(String username) {
        Api.Answer created = admin.post("/api/operators", Map.of("username", username, "password", PASSWORD,
                "role", "viewer", "namespaces", List.of("default")));
        assertEquals(201, created.status(), created.body().toString());
        return Api.signedIn(hub.url(), username, PASSWORD);
    }

    /** The device room of "watched" as SSE from offset 0: open once its first event arrived. */
    record Sse(CompletableFuture<List<String>> events) {

        /** Opens the stream and returns once its first event (the stored reading) arrived. */
        static Sse open(String token) {
            CompletableFuture<Void> opened = new CompletableFuture<>();
            CompletableFuture<List<String>> events = CompletableFuture.supplyAsync(() -> read(token, opened),
                    CLIENTS);
            opened.orTimeout(5, TimeUnit.SECONDS).join();
            return new Sse(events);
        }

        /** The event names, read until the hub ends the stream. */
        private static List<String> read(String token, CompletableFuture<Void> opened) {
            try {
                HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(
                                URI.create(hub.url() + "/api/devices/watched/stream?after=0"))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
                List<String> events = new ArrayList<>();
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        if (line.startsWith("event: ")) {
                            events.add(line.substring(7));
                            opened.complete(null);
                        }
                    }
                }
                return events;
            } catch (Exception e) {
                opened.completeExceptionally(e);
                throw new IllegalStateException(e);
            }
        }
    }

    /** The hub's live session streams (dashboard sockets, SSE streams, waiting long-polls). */
    static double liveStreams(TestHub of) {
        return of.anonymous().get("/metrics").raw().body().lines()
                .filter(line -> line.startsWith("hub_sessions_live_streams "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow();
    }

    static String cookieLogin(String username, String password) throws Exception {
        HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(URI.create(hub.url() + "/api/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Api.encode(Map.of("username", username, "password",
                        password)))).build(), HttpResponse.BodyHandlers.ofString());
        return login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    static HttpResponse<String> send(String method, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hub.url() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
