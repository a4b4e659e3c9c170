package org.telemetryhub.hub.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.TestHub;

/** Operators: login and logout, cookie or bearer, Origin rules, and the device API's answers. */
class OperatorApiTest {

    static TestHub hub;
    static Api admin;
    static final HttpClient HTTP = HttpClient.newHttpClient();

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
    void login_sets_an_http_only_strict_session_cookie() throws Exception {
        HttpResponse<String> login = login(false);

        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertEquals(200, login.statusCode());
        assertTrue(cookie.startsWith("hub_session="), cookie);
        assertTrue(cookie.contains("HttpOnly"), cookie);
        assertTrue(cookie.contains("SameSite=Strict"), cookie);
        assertTrue(!login.body().contains("token"), "no token unless asked for");
    }

    @Test
    void a_cookie_reads_without_origin_but_writes_only_with_an_allowed_origin() throws Exception {
        String cookie = sessionCookie();
        String body = "{\"deviceId\":\"cookie-made\"}";

        assertEquals(200, send("GET", "/api/devices", null, Map.of("Cookie", cookie)).statusCode());
        assertEquals(403, send("POST", "/api/devices", body, Map.of("Cookie", cookie)).statusCode());
        assertEquals(403, send("POST", "/api/devices", body,
                Map.of("Cookie", cookie, "Origin", "https://evil.example")).statusCode());
        assertEquals(201, send("POST", "/api/devices", body,
                Map.of("Cookie", cookie, "Origin", hub.url())).statusCode());
    }

    @Test
    void logout_ends_the_session_for_cookie_and_token_at_once() throws Exception {
        HttpResponse<String> login = login(true);
        String token = Api.JSON.readTree(login.body()).get("token").asText();
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];

        HttpResponse<String> logout = send("POST", "/api/logout", "", Map.of("Authorization", "Bearer " + token));

        assertEquals(204, logout.statusCode());
        assertEquals(401, send("GET", "/api/devices", null, Map.of("Authorization", "Bearer " + token)).statusCode());
        assertEquals(401, send("GET", "/api/devices", null, Map.of("Cookie", cookie)).statusCode());
    }

    @Test
    void wrong_credentials_get_401_bad_credentials_and_no_session_gets_401_unauthorized() {
        Api.Answer wrong = hub.anonymous().post("/api/login", Map.of("username", "admin", "password", "nope"));
        Api.Answer none = hub.anonymous().get("/api/devices");

        assertEquals(401, wrong.status());
        assertEquals("bad_credentials", wrong.error());
        assertEquals(401, none.status());
        assertEquals("unauthorized", none.error());
    }

    @Test
    void provisioning_answers_the_secret_once_and_refuses_duplicates_and_bad_ids() {
        Api.Answer created = admin.post("/api/devices", Map.of("deviceId", "pump-1", "namespace", "plant-b",
                "reportIntervalMs", 5_000));
        Api.Answer again = admin.post("/api/devices", Map.of("deviceId", "pump-1"));
        Api.Answer badId = admin.post("/api/devices", Map.of("deviceId", "../etc"));
        Api.Answer badNamespace = admin.post("/api/devices", Map.of("deviceId", "pump-2", "namespace", "a b"));
        Api.Answer malformed = admin.post("/api/devices", "{\"deviceId\":");

        assertEquals(201, created.status());
        assertEquals("plant-b", created.body().get("namespace").asText());
        assertTrue(created.body().get("secret").asText().length() >= 43);
        assertEquals(409, again.status());
        assertEquals("device_exists", again.error());
        assertEquals(400, badId.status());
        assertEquals("invalid_device_id", badId.error());
        assertEquals("deviceId must match [A-Za-z0-9][A-Za-z0-9_.-]{0,63}, but was \"../etc\"",
                badId.body().get("message").asText());
        assertEquals("invalid_namespace", badNamespace.error());
        assertEquals("bad_message", malformed.error());
        assertTrue(!admin.get("/api/devices").body().toString().contains("secret"));
    }

    @Test
    void an_unknown_device_gets_404_unknown_device() {
        assertEquals("unknown_device", admin.delete("/api/devices/ghost").error());
        assertEquals(404, admin.post("/api/devices/ghost/secret", Map.of()).status());
    }

    @Test
    void a_wrong_method_gets_405_and_an_unknown_api_path_404() {
        assertEquals(405, admin.delete("/api/devices").status());
        assertEquals(404, admin.get("/api/nothing-here").status());
    }

    static HttpResponse<String> login(boolean issueToken) throws Exception {
        return send("POST", "/api/login", Api.encode(Map.of("username", "admin", "password", TestHub.ADMIN_PASSWORD,
                "issueToken", issueToken)), Map.of());
    }

    static String sessionCookie() throws Exception {
        return login(false).headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    static HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hub.url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
