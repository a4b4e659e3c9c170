package org.telemetryhub.hub.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardPage;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.HubInBrowser;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/** The web dashboard in headless Chromium against a real hub: sign-in, fleet, device rooms, safety. */
class DashboardTest extends HubInBrowser {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";
    static final String BLOCKED_WEBSOCKET = """
            window.WebSocket = class {
              static OPEN = 1;
              readyState = 3;
              constructor() { setTimeout(() => this.onclose && this.onclose({ code: 1006 }), 10); }
              send() {}
              close() {}
            };
            """;

    DashboardPage page;

    @BeforeEach
    void openPage() {
        page = new DashboardPage(browser, hub.url()).openSignedOut();
    }

    @AfterEach
    void pageHadNoProblems() {
        assertEquals(List.of(), browser.problems());
    }

    @Test
    void signs_in_with_a_cookie_the_page_cannot_read_and_stays_signed_in_after_a_reload() {
        page.signInAsAdmin();
        page.reload();

        browser.await(ExpectedConditions.visibilityOfElementLocated(By.id("sign-out")));
        Cookie session = browser.driver.manage().getCookieNamed("hub_session");
        assertTrue(session.isHttpOnly());
        assertEquals("", browser.js("return document.cookie;"));
        assertFalse(((String) browser.js("return JSON.stringify(localStorage);")).contains(session.getValue()));
        assertFalse(browser.driver.getPageSource().contains(session.getValue()));
    }

    @Test
    void signs_out_and_the_session_stops_working() throws Exception {
        page.signInAsAdmin();
        String session = browser.driver.manage().getCookieNamed("hub_session").getValue();

        page.signOut();
        page.reload();

        browser.await(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        HttpResponse<String> withOldCookie = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(hub.url() + "/api/devices")).header("Cookie", "hub_session=" + session).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, withOldCookie.statusCode());
    }

    @Test
    void a_wrong_password_is_refused_with_the_hubs_sentence() {
        browser.driver.findElement(By.id("username")).sendKeys("admin");
        browser.driver.findElement(By.id("password")).sendKeys("not-the-password");
        browser.driver.findElement(By.id("sign-in")).click();

        browser.await(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".login .error"),
                "username or password is wrong"));
        assertTrue(page.showsSignIn());
    }

    @Test
    void shows_a_new_reading_in_chart_and_table() {
        Api.Device device = admin.provision("boiler-1");
        page.signInAsAdmin();
        page.openDevice("boiler-1");

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Wire.readingFrame(new Reading(1, hub.clock.millis(), Map.of("temperature", 21.5))));
            client.ack(1);
        }

        browser.await(d -> page.tableSeqs().equals(List.of(1L)));
        browser.await(d -> page.series("temperature") != null);
        assertEquals(List.of(21.5), page.series("temperature").get("values"));
        assertEquals(List.of(1L), page.offsets());
    }

    @Test
    void fleet_view_follows_presence_and_readings_live_and_filters() {
        Api.Device device = admin.provision("fan-2", "hall");
        admin.provision("fan-3", "hall");
        page.signInAsAdmin();
        browser.await(d -> presence("fan-2").equals("offline"));

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            browser.await(d -> presence("fan-2").equals("online"));
            client.send(Wire.batchFrame(List.of(new Reading(1, hub.clock.millis(), Map.of("rpm", 900.0)),
                    new Reading(2, hub.clock.millis(), Map.of("rpm", 910.0)))));
            client.ack(2);
            browser.await(d -> page.fleetRow("fan-2").findElements(By.tagName("td")).get(4).getText().equals("2"));

            browser.driver.findElement(By.id("search")).sendKeys("fan-");
            new Select(browser.driver.findElement(By.id("presence-filter")))
                    .selectByValue("online");
            browser.await(d -> page.fleetDevices().equals(List.of("fan-2")));
        }

        browser.await(d -> page.fleetDevices().isEmpty());
        assertTrue(browser.driver.findElement(By.cssSelector(".fleet .empty")).isDisplayed());
    }

    @Test
    void shows_a_hostile_metric_name_among_rejections_as_text_only_under_a_strict_policy() throws Exception {
        String hostile = "<img src=x onerror=alert(1)>";
        Api.Device device = admin.provision("intruder");
        page.signInAsAdmin();
        page.openDevice("intruder");

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Api.encode(Map.of("type", "reading", "seq", 1, "ts", hub.clock.millis(),
                    "metrics", Map.of(hostile, 1))));
            JsonNode verdict = client.next(m -> m.path("type").asText().equals("rejected"));
            assertEquals("invalid_metric_name", verdict.get("error").asText());
        }

        browser.await(d -> page.rejectionsText().contains(hostile));
        page.reload();
        browser.await(d -> page.rejectionsText().contains(hostile));
        assertEquals(0L, browser.js("return document.getElementsByTagName('img').length;"));
        assertEquals(0L, browser.js("return document.querySelector('.rejections .message').children.length;"));
        assertThrows(NoAlertPresentException.class, () -> browser.driver.switchTo().alert());
        for (String path : List.of("/", "/js/main.js", "/css/dashboard.css")) {
            HttpResponse<String> answer = hub.anonymous().get(path).raw();
            assertEquals(CONTENT_SECURITY_POLICY, answer.headers().firstValue("Content-Security-Policy").orElse(null));
            assertEquals("nosniff", answer.headers().firstValue("X-Content-Type-Options").orElse(null));
            assertEquals("no-referrer", answer.headers().firstValue("Referrer-Policy").orElse(null));
        }
    }

    @Test
    void a_viewer_sees_only_the_devices_of_its_namespace() {
        admin.provision("press-1", "line-1");
        admin.provision("press-2", "line-1");
        admin.provision("oven-1", "line-2");
        Api.Answer created = admin.post("/api/operators", Map.of("username", "viewer-line-1",
                "password", "viewer-password-1", "role", "viewer", "namespaces", List.of("line-1")));
        assertEquals(201, created.status());

        page.signIn("viewer-line-1", "viewer-password-1");

        browser.await(d -> page.fleetDevices().equals(List.of("press-1", "press-2")));
        assertFalse(browser.driver.findElement(By.id("provision")).isDisplayed());
        assertEquals(List.of("line-1"), browser.driver.findElements(By.cssSelector("section.namespace")).stream()
                .map(section -> section.getAttribute("data-namespace")).toList());
        page.openDevice("oven-1");
        browser.await(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".device [data-part=notice]"),
                "oven-1"));
        assertTrue(page.offsets().isEmpty());
    }

    @ParameterizedTest(name = "at {0} px")
    @ValueSource(ints = {1366, 390})
    void an_admin_provisions_a_device_and_the_command_shown_once_gets_a_ticket_then_leaves_the_page(int width) {
        String id = "pump-" + width;
        browser.viewport(width, 900);
        try {
            page.signInAsAdmin();

            browser.driver.findElement(By.id("provision")).click();
            WebElement form = browser.driver.findElement(By.cssSelector("#provision-dialog form"));
            form.findElement(By.name("deviceId")).sendKeys(id);
            WebElement namespace = form.findElement(By.name("namespace"));
            namespace.clear();
            namespace.sendKeys("water");
            form.findElement(By.cssSelector("button[type=submit]")).click();
            browser.await(ExpectedConditions.visibilityOfElementLocated(By.id("secret-dialog")));

            String secret = browser.driver.findElement(By.id("device-secret")).getText();
            String command = browser.driver.findElement(By.id("ticket-command")).getText();
            assertTrue(command.startsWith("curl -sS -X POST '" + hub.url() + "/api/tickets'"), command);
            String body = command.substring(command.indexOf("-d '") + 4, command.lastIndexOf('\''));
            assertEquals(201, hub.anonymous().post("/api/tickets", body).status());
            assertTrue(body.contains(secret));
            browser.driver.findElement(By.cssSelector("#secret-dialog [data-part=done]")).click();
            browser.await(d -> page.fleetDevices().contains(id));
            assertFalse(browser.driver.getPageSource().contains(secret), "the secret left the page with its dialog");
        } finally {
            browser.viewport(1360, 1000);
        }
    }

    @Test
    void an_admin_gives_a_device_a_new_secret_then_revokes_it() {
        Api.Device device = admin.provision("valve-9");
        page.signInAsAdmin();
        browser.await(d -> page.fleetDevices().contains("valve-9"));

        page.fleetRow("valve-9").findElement(By.xpath(".//button[text()='New secret']")).click();
        browser.driver.findElement(By.cssSelector("#confirm-dialog [data-part=confirm]")).click();
        browser.await(ExpectedConditions.visibilityOfElementLocated(By.id("secret-dialog")));
        String secret = browser.driver.findElement(By.id("device-secret")).getText();
        browser.driver.findElement(By.cssSelector("#secret-dialog [data-part=done]")).click();

        assertNotEquals(device.secret(), secret);
        assertEquals(401, hub.anonymous().post("/api/tickets", Map.of("deviceId", "valve-9",
                "secret", device.secret())).status());
        assertEquals(201, hub.anonymous().post("/api/tickets", Map.of("deviceId", "valve-9",
                "secret", secret)).status());

        page.fleetRow("valve-9").findElement(By.xpath(".//button[text()='Revoke']")).click();
        browser.driver.findElement(By.cssSelector("#confirm-dialog [data-part=confirm]")).click();
        browser.await(d -> !page.fleetDevices().contains("valve-9"));
        assertEquals(401, hub.anonymous().post("/api/tickets", Map.of("deviceId", "valve-9",
                "secret", secret)).status());
    }

    @Test
    void history_windows_show_empty_buckets_as_gaps() {
        Api.Device device = admin.provision("meter-5");
        long now = hub.clock.millis();
        List<Reading> readings = new ArrayList<>();
        long seq = 0;
        for (long ts = now - 60 * 60_000; ts <= now; ts += 10_000) {
            if (ts < now - 40 * 60_000 || ts > now - 20 * 60_000) {
                readings.add(new Reading(++seq, ts, Map.of("energy", (double) seq)));
            }
        }
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Wire.batchFrame(readings.subList(0, 121)));
            client.send(Wire.batchFrame(readings.subList(121, readings.size())));
            client.ack(seq);
        }
        page.signInAsAdmin();
        page.openDevice("meter-5");
        browser.await(d -> page.offsets().size() == readings.size());

        page.chooseWindow("1h");

        browser.await(d -> "1h".equals(page.shownWindow("energy")));
        Map<String, Object> series = page.series("energy");
        List<?> values = (List<?>) series.get("values");
        assertTrue(values.stream().filter(Objects::isNull).count() >= 30, "empty buckets: " + values);
        assertEquals(Boolean.TRUE, nullAt(series, now - 30 * 60_000));
        assertEquals(Boolean.FALSE, nullAt(series, now - 50 * 60_000));
        assertEquals(Boolean.FALSE, nullAt(series, now - 10 * 60_000));
    }

    @Test
    void falls_back_to_server_sent_events_when_the_websocket_cannot_connect() {
        Api.Device device = admin.provision("behind-proxy");
        String blocker = browser.beforeEveryPage(BLOCKED_WEBSOCKET);
        try {
            page = new DashboardPage(browser, hub.url()).openSignedOut().signInAsAdmin();
            page.openDevice("behind-proxy");
            browser.await(d -> page.connectionState().equals("fallback"));

            try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
                client.send(Readings.one(1, hub.clock.millis()));
                client.send(Readings.one(2, hub.clock.millis()));
                client.ack(2);
            }

            browser.await(d -> page.tableSeqs().equals(List.of(2L, 1L)));
            assertEquals(List.of(1L, 2L), page.offsets());
            assertTrue(page.connectionLabel().contains("SSE"));
        } finally {
            browser.forget(blocker);
        }
    }

    private String presence(String deviceId) {
        return page.fleetRow(deviceId).findElement(By.cssSelector(".presence")).getText();
    }

    /** Whether the chart's value nearest to a time is a gap (true), a value (false), or not there (null). */
    private static Boolean nullAt(Map<String, Object> series, long time) {
        List<?> times = (List<?>) series.get("times");
        int nearest = -1;
        for (int i = 0; i < times.size(); i++) {
            if (nearest < 0 || Math.abs(((Number) times.get(i)).doubleValue() - time)
                    < Math.abs(((Number) times.get(nearest)).doubleValue() - time)) {
                nearest = i;
            }
        }
        return nearest < 0 ? null : ((List<?>) series.get("values")).get(nearest) == null;
    }
}
