package org.telemetryhub.hub.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardPage;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.HubInBrowser;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/**
 * What operators of other dashboards expect, on a laptop and on a phone: sortable fleet columns, a large namespace a
 * page at a time, a custom time range and drag-to-zoom from bucketed history, exports, and units per metric.
 */
class DashboardToolsTest extends HubInBrowser {

    static final String METER = "meter-7";
    static final int PAGED_DEVICES = 120;

    static long firstTs;
    DashboardPage page;

    @BeforeAll
    static void start() {
        Api.Answer created = admin.post("/api/devices", Map.of("deviceId", METER, "namespace", "tools",
                "reportIntervalMs", 10_000, "units", Map.of("temperature", "°C")));
        assertEquals(201, created.status(), created.body().toString());
        List<Reading> readings = new ArrayList<>();
        firstTs = hub.clock.millis() - 60 * 60_000;
        for (int i = 0; i < 360; i++) {
            readings.add(new Reading(i + 1, firstTs + i * 10_000L, Map.of("temperature", 20.0 + i % 5,
                    "humidity", 40.0)));
        }
        Api.Device meter = new Api.Device(METER, created.body().get("secret").asText());
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(meter))) {
            client.send(Wire.batchFrame(readings));
            client.ack(360);
        }
        for (int i = 1; i <= PAGED_DEVICES; i++) {
            admin.provision("unit-%03d".formatted(i), "paged");
        }
    }

    @AfterEach
    void pageHadNoProblems() {
        assertEquals(List.of(), browser.problems());
    }

    @ParameterizedTest(name = "at {0} px")
    @ValueSource(ints = {1366, 390})
    void fleet_columns_sort_both_ways(int width) {
        String[] ids = {"sort-a-" + width, "sort-b-" + width, "sort-c-" + width};
        long[] lastSeqs = {2, 7, 4};
        for (int i = 0; i < ids.length; i++) {
            Api.Device device = admin.provision(ids[i], "sorting-" + width);
            try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
                client.send(batch(1, (int) lastSeqs[i]));
                client.ack(lastSeqs[i]);
            }
        }
        open(width);
        selectNamespace("sorting-" + width);
        browser.await(d -> page.fleetDevices().equals(List.of(ids)));

        page.sortFleetBy("lastSeq");
        browser.await(d -> page.fleetDevices().equals(List.of(ids[1], ids[2], ids[0])));
        assertEquals("descending", sortedHeader("lastSeq"));
        page.sortFleetBy("lastSeq");
        browser.await(d -> page.fleetDevices().equals(List.of(ids[0], ids[2], ids[1])));
        assertEquals("ascending", sortedHeader("lastSeq"));
        page.sortFleetBy("deviceId");
        browser.await(d -> page.fleetDevices().equals(List.of(ids)));
    }

    @ParameterizedTest(name = "at {0} px")
    @ValueSource(ints = {1366, 390})
    void a_large_namespace_is_shown_a_page_at_a_time(int width) {
        open(width);
        selectNamespace("paged");

        browser.await(d -> page.fleetDevices().size() == 50);
        assertEquals("unit-001", page.fleetDevices().get(0));
        assertEquals("1–50 of 120", pagerText());
        browser.driver.findElement(By.cssSelector("section[data-namespace='paged'] [data-part=next]")).click();
        browser.await(d -> page.fleetDevices().get(0).equals("unit-051"));
        assertEquals("51–100 of 120", pagerText());
        browser.driver.findElement(By.id("search")).sendKeys("unit-11");
        browser.await(d -> page.fleetDevices().size() == 10);
        assertTrue(browser.driver.findElement(By.cssSelector("section[data-namespace='paged'] [data-part=pager]"))
                .getAttribute("hidden") != null);
    }

    @ParameterizedTest(name = "at {0} px")
    @ValueSource(ints = {1366, 390})
    void a_custom_range_shows_that_span_from_bucketed_history(int width) {
        open(width);
        page.openDevice(METER);
        browser.await(d -> page.series("temperature") != null);

        browser.driver.findElement(By.cssSelector(".windows button[data-window='custom']")).click();
        browser.js("""
                const form = document.querySelector('form.range');
                const local = ms => new Date(ms - new Date(ms).getTimezoneOffset() * 60000).toISOString().slice(0, 19);
                form.from.value = local(arguments[0]);
                form.to.value = local(arguments[1]);
                form.requestSubmit();""", firstTs + 10 * 60_000, firstTs + 20 * 60_000);

        browser.await(d -> "custom".equals(page.shownWindow("temperature")));
        List<Double> times = times(page.series("temperature"));
        assertTrue(times.get(0) >= firstTs + 10 * 60_000 - 60_000, times.toString());
        assertTrue(times.get(times.size() - 1) <= firstTs + 20 * 60_000 + 60_000, times.toString());
        assertTrue(((List<?>) page.series("temperature").get("values")).stream().noneMatch(v -> v == null),
                "a device reporting every 10 s fills every bucket");
    }

    @ParameterizedTest(name = "at {0} px")
    @ValueSource(ints = {1366, 390})
    void dragging_across_a_chart_zooms_into_that_span(int width) {
        open(width);
        page.openDevice(METER);
        page.chooseWindow("1h");
        browser.await(d -> "1h".equals(page.shownWindow("temperature")));
        List<Double> before = times(page.series("temperature"));
        WebElement plot = browser.driver.findElement(By.cssSelector(".chart[data-metric='temperature'] .u-over"));
        int third = plot.getSize().getWidth() / 3;

        new Actions(browser.driver).moveToElement(plot, -third / 2, 0).clickAndHold().moveByOffset(third, 0)
                .release().perform();

        browser.await(d -> "custom".equals(page.shownWindow("temperature")));
        List<Double> after = times(page.series("temperature"));
        double spanBefore = before.get(before.size() - 1) - before.get(0);
        double spanAfter = after.get(after.size() - 1) - after.get(0);
        assertTrue(spanAfter < spanBefore / 2, spanBefore + " → " + spanAfter);
        assertTrue(browser.driver.findElement(By.cssSelector("form.range")).isDisplayed());
    }

    @ParameterizedTest(name = "at {0} px")
    @ValueSource(ints = {1366, 390})
    void the_export_buttons_download_the_window_as_csv_and_ndjson(int width) {
        open(width);
        page.openDevice(METER);
        page.chooseWindow("1h");
        browser.await(d -> "1h".equals(page.shownWindow("temperature")));

        String csv = download("csv");
        String ndjson = download("ndjson");

        List<String> rows = csv.lines().toList();
        List<String> lines = ndjson.lines().toList();
        assertEquals("offset,seq,ts,humidity,temperature", rows.get(0));
        assertTrue(lines.size() >= 300, "a reading every 10 s for most of the hour: " + lines.size());
        assertEquals(lines.size(), rows.size() - 1, "the same readings in both");
        JsonNode first = parse(lines.get(0));
        assertEquals(rows.get(1).split(",")[1], first.get("seq").asText());
        assertEquals(40.0, first.get("metrics").get("humidity").asDouble());
    }

    @ParameterizedTest(name = "at {0} px")
    @ValueSource(ints = {1366, 390})
    void units_are_shown_with_each_metric(int width) {
        open(width);
        page.openDevice(METER);

        browser.await(d -> !browser.driver.findElements(By.cssSelector(".chart[data-metric='temperature'] .unit"))
                .isEmpty());
        assertEquals("°C", browser.driver.findElement(By.cssSelector(".chart[data-metric='temperature'] .unit"))
                .getText());
        assertTrue(browser.driver.findElement(By.cssSelector(".chart[data-metric='temperature'] .readout-value"))
                .getText().endsWith("°C"));
        assertTrue(browser.driver.findElement(By.cssSelector("table.latest thead")).getAttribute("textContent")
                .contains("temperature (°C)"));
        assertTrue(browser.driver.findElements(By.cssSelector(".chart[data-metric='humidity'] .unit")).isEmpty());
    }

    private void open(int width) {
        browser.viewport(width, 900);
        page = new DashboardPage(browser, hub.url()).openSignedOut().signInAsAdmin();
    }

    private void selectNamespace(String namespace) {
        browser.await(d -> browser.driver.findElements(By.cssSelector("#namespace-filter option")).stream()
                .anyMatch(option -> option.getAttribute("value").equals(namespace)));
        new Select(browser.driver.findElement(By.id("namespace-filter")))
                .selectByValue(namespace);
    }

    private String sortedHeader(String key) {
        return browser.driver.findElement(By.cssSelector("section.namespace th[data-sort='" + key + "']"))
                .getAttribute("aria-sort");
    }

    private String pagerText() {
        return browser.driver.findElement(By.cssSelector("section[data-namespace='paged'] [data-part=page]"))
                .getText();
    }

    /** Fetches what an export link points at, as the browser would download it (with the session cookie). */
    private String download(String format) {
        return (String) browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const link = document.querySelector(`[data-part=export-${arguments[0]}]`);
                fetch(link.href).then(r => r.ok ? r.text() : 'HTTP ' + r.status).then(done, e => done('' + e));""",
                format);
    }

    private static String batch(long from, int count) {
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            readings.add(new Reading(from + i, hub.clock.millis(), Map.of("temperature", 20.0)));
        }
        return Wire.batchFrame(readings);
    }

    private static List<Double> times(Map<String, Object> series) {
        return ((List<?>) series.get("times")).stream().map(t -> ((Number) t).doubleValue()).toList();
    }

    private static JsonNode parse(String line) {
        try {
            return Api.JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
