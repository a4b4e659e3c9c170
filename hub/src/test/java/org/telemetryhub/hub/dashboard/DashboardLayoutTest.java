package org.telemetryhub.hub.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.Axe;
import org.telemetryhub.hub.support.DashboardPage;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.HubInBrowser;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/**
 * The dashboard on a laptop and on a phone, in a light and a dark colour scheme: nothing wider than the screen,
 * controls a finger can hit, a focus ring that shows, axis labels that do not overlap, and nothing axe-core counts as
 * a serious or critical accessibility violation.
 */
class DashboardLayoutTest extends HubInBrowser {

    static final String LONG_ID = "sim-" + "x".repeat(40) + "-boiler-room-7";
    static final String LONG_METRIC = "supply_water_temperature_after_the_heat_exchanger";

    DashboardPage page;

    @BeforeAll
    static void start() {
        Api.Device device = admin.provision(LONG_ID, "plant-with-a-rather-long-namespace-name");
        admin.provision("pump-1", "plant-with-a-rather-long-namespace-name");
        List<Reading> readings = new ArrayList<>();
        long now = hub.clock.millis();
        for (int i = 0; i < 120; i++) {
            long ts = now - 8L * 24 * 3_600_000 + i * 3_600_000L * 3 / 2;
            readings.add(new Reading(i + 1, i < 100 ? ts : now - (120 - i) * 1000L,
                    Map.of("temperature", 60.0 + i % 7, LONG_METRIC, 1234567.891 + i, "pressure", 2.0)));
        }
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Wire.batchFrame(readings));
            client.send("{\"type\":\"reading\",\"seq\":121,\"ts\":" + now
                    + ",\"metrics\":{\"temperature\":\"a very long rejected value that must wrap on a phone\"}}");
            client.next(m -> m.path("seq").asLong() == 121 && m.path("type").asText().equals("rejected"));
        }
    }

    @AfterEach
    void pageHadNoProblems() {
        assertEquals(List.of(), browser.problems());
        browser.prefersDark(false);
    }

    @Test
    void no_page_scrolls_sideways_at_390_px() {
        open(390);
        browser.await(d -> page.fleetDevices().contains(LONG_ID));
        assertFalse(browser.scrollsSideways(), "fleet view");

        browser.driver.findElement(By.id("provision")).click();
        assertFalse(browser.scrollsSideways(), "provisioning dialog");
        browser.driver.findElement(By.cssSelector("#provision-dialog [data-part=cancel]")).click();

        page.openDevice(LONG_ID);
        awaitCharts();
        assertFalse(browser.scrollsSideways(), "device room, live");
        browser.driver.findElement(By.cssSelector(".windows button[data-window='custom']")).click();
        page.chooseWindow("7d");
        browser.await(d -> "7d".equals(page.shownWindow("temperature")));
        assertFalse(browser.scrollsSideways(), "device room, 7 days");
    }

    @Test
    void controls_are_big_enough_for_a_finger_on_a_phone() {
        open(390);
        browser.await(d -> page.fleetDevices().contains(LONG_ID));
        assertEquals(List.of(), smallControls(), "fleet view");

        page.openDevice(LONG_ID);
        awaitCharts();
        browser.driver.findElement(By.cssSelector(".windows button[data-window='custom']")).click();
        assertEquals(List.of(), smallControls(), "device room");
    }

    @ParameterizedTest(name = "at {0} px, dark: {1}")
    @CsvSource({"1366, false", "390, true", "1366, true", "390, false"})
    void axe_finds_nothing_serious_on_any_view(int width, boolean dark) {
        browser.prefersDark(dark);
        browser.viewport(width, 900);
        page = new DashboardPage(browser, hub.url()).openSignedOut();
        assertEquals(List.of(), Axe.seriousViolations(browser), "sign-in");

        page.signInAsAdmin();
        browser.await(d -> page.fleetDevices().contains(LONG_ID));
        assertEquals(List.of(), Axe.seriousViolations(browser), "fleet view");

        browser.driver.findElement(By.id("provision")).click();
        assertEquals(List.of(), Axe.seriousViolations(browser), "provisioning dialog");
        browser.driver.findElement(By.cssSelector("#provision-dialog [data-part=cancel]")).click();

        page.openDevice(LONG_ID);
        awaitCharts();
        browser.driver.findElement(By.cssSelector(".windows button[data-window='custom']")).click();
        browser.await(d -> page.rejectionsText().contains("very long"));
        assertEquals(List.of(), Axe.seriousViolations(browser), "device room");
    }

    @ParameterizedTest(name = "at {0} px")
    @ValueSource(ints = {1366, 390})
    void the_dark_theme_follows_the_system_colour_scheme(int width) {
        open(width);
        String light = background();

        browser.prefersDark(true);

        browser.await(d -> !background().equals(light));
        assertEquals("rgb(15, 20, 31)", background());
        page.openDevice(LONG_ID);
        awaitCharts();
        browser.prefersDark(false);
        browser.await(d -> background().equals(light));
    }

    @ParameterizedTest(name = "at {0} px")
    @ValueSource(ints = {1366, 390})
    void focus_is_visible_on_every_control_reached_by_tab(int width) {
        open(width);
        browser.await(d -> page.fleetDevices().contains(LONG_ID));
        assertEquals(List.of(), unfocusedByTab(40), "fleet view");

        page.openDevice(LONG_ID);
        awaitCharts();
        assertEquals(List.of(), unfocusedByTab(30), "device room");
    }

    @ParameterizedTest(name = "at {0} px")
    @ValueSource(ints = {1366, 390})
    void time_axis_labels_never_overlap(int width) {
        open(width);
        page.openDevice(LONG_ID);
        awaitCharts();

        for (String window : List.of("live", "15m", "24h", "7d")) {
            page.chooseWindow(window);
            browser.await(d -> window.equals(page.shownWindow("temperature")));
            List<Map<String, Object>> labels = xAxisLabels("temperature");
            assertTrue(labels.size() >= 2, window + ": " + labels);
            for (int i = 1; i < labels.size(); i++) {
                double right = ((Number) labels.get(i - 1).get("right")).doubleValue();
                double left = ((Number) labels.get(i).get("left")).doubleValue();
                assertTrue(right + 4 <= left, window + " at " + width + " px: " + labels);
            }
        }
    }

    private void open(int width) {
        browser.viewport(width, 900);
        page = new DashboardPage(browser, hub.url()).openSignedOut().signInAsAdmin();
    }

    private void awaitCharts() {
        browser.await(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".chart"), 3));
    }

    private String background() {
        return (String) browser.js("return getComputedStyle(document.body).backgroundColor"
                + " === 'rgba(0, 0, 0, 0)' ? getComputedStyle(document.documentElement).backgroundColor"
                + " : getComputedStyle(document.body).backgroundColor;");
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> xAxisLabels(String metric) {
        return (List<Map<String, Object>>) browser.js("return window.hubDashboard.xAxisLabels(arguments[0]);",
                metric);
    }

    /** Visible controls under 44 x 44 CSS pixels (a link's width follows its text, so only its height counts). */
    @SuppressWarnings("unchecked")
    private List<String> smallControls() {
        return (List<String>) browser.js("""
                return [...document.querySelectorAll('a, button, input, select')]
                  .filter(e => e.offsetParent !== null && !e.closest('dialog:not([open])'))
                  .filter(e => { const r = e.getBoundingClientRect();
                                 return r.height < 44 || (e.tagName !== 'A' && r.width < 44); })
                  .map(e => e.tagName + ' ' + (e.textContent || e.name || e.id).trim().slice(0, 30)
                            + ' ' + Math.round(e.getBoundingClientRect().width)
                            + 'x' + Math.round(e.getBoundingClientRect().height));""");
    }

    /**
     * Tabs through the page and returns the elements that got focus without a visible ring: an outline at least
     * 2 px wide whose colour has at least 3:1 contrast with the background behind it.
     */
    @SuppressWarnings("unchecked")
    private List<String> unfocusedByTab(int presses) {
        browser.js("document.activeElement?.blur(); window.scrollTo(0, 0);");
        List<String> faint = new ArrayList<>();
        List<Object> seen = new ArrayList<>();
        for (int i = 0; i < presses; i++) {
            browser.driver.switchTo().activeElement().sendKeys(Keys.TAB);
            Object element = browser.js("return document.activeElement;");
            if (seen.contains(element)) {
                break;
            }
            seen.add(element);
            String problem = (String) browser.js(FOCUS_RING);
            if (problem != null) {
                faint.add(problem);
            }
        }
        assertNotEquals(0, seen.size());
        return faint;
    }

    static final String FOCUS_RING = """
            const e = document.activeElement;
            if (e === document.body) return null;
            const style = getComputedStyle(e);
            const rgb = c => c.match(/[\\d.]+/g).slice(0, 4).map(Number);
            const luminance = ([r, g, b]) => [r, g, b].map(v => v / 255)
              .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
              .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
            let behind = e.parentElement;
            while (behind && (getComputedStyle(behind).backgroundColor === 'rgba(0, 0, 0, 0)'
                || rgb(getComputedStyle(behind).backgroundColor)[3] === 0)) behind = behind.parentElement;
            const background = rgb(getComputedStyle(behind || document.documentElement).backgroundColor);
            const [a, b] = [luminance(rgb(style.outlineColor)), luminance(background)].sort((x, y) => y - x);
            const contrast = (a + 0.05) / (b + 0.05);
            const label = e.tagName + ' ' + (e.textContent || e.getAttribute('aria-label') || e.id).trim().slice(0, 30);
            if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2) return label + ': no outline';
            if (contrast < 3) return label + ': outline contrast ' + contrast.toFixed(2);
            return null;""";
}
