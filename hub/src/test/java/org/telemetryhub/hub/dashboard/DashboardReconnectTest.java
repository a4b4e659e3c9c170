package org.telemetryhub.hub.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.Browser;
import org.telemetryhub.hub.support.DashboardPage;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/** The page across a hub restart: it reconnects by itself and resumes its device room with no gap and no double. */
class DashboardReconnectTest {

    static final long INTERVAL_MS = 1_000;

    @TempDir
    Path store;

    @ParameterizedTest(name = "at {0} px")
    @ValueSource(ints = {1366, 390})
    void reconnects_after_a_hub_restart_and_resumes_without_gap_or_duplicate(int width) {
        TestHub first = TestHub.start(store, Map.of());
        int port = first.hub.port();
        Api.Device device = first.admin().provision("kiln-2");
        long start = first.clock.millis() - 60_000;
        TestHub second = null;
        try (Browser browser = Browser.start()) {
            browser.viewport(width, 900);
            DashboardPage page = new DashboardPage(browser, first.url()).openSignedOut().signInAsAdmin();
            page.openDevice("kiln-2");
            send(first, device, 1, 5, start);
            browser.await(d -> page.offsets().size() == 5);
            browser.await(d -> page.connectionState().equals("live"));

            first.close();
            browser.await(d -> !page.connectionState().equals("live"));
            browser.await(d -> page.markedStale());
            assertTrue(staleNotice(browser).startsWith("Not live: the hub cannot be reached."));
            second = TestHub.start(store, Map.of("http.port", String.valueOf(port)));
            send(second, device, 6, 3, start + 40_000);
            browser.await(Duration.ofSeconds(20), d -> page.connectionState().equals("live"));
            assertFalse(page.markedStale());
            send(second, device, 9, 2, start + 43_000);

            browser.await(d -> page.offsets().size() >= 10 && page.tableSeqs().size() == 10);
            assertEquals(LongStream.rangeClosed(1, 10).boxed().toList(), page.offsets());
            assertEquals(List.of(10L, 9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L), page.tableSeqs());
            Map<String, Object> series = page.series("temperature");
            List<?> values = (List<?>) series.get("values");
            List<?> times = (List<?>) series.get("times");
            assertEquals(10, values.stream().filter(Objects::nonNull).count(), "every reading once: " + values);
            int gap = values.indexOf(null);
            double before = ((Number) times.get(gap - 1)).doubleValue();
            double after = ((Number) times.get(gap + 1)).doubleValue();
            assertEquals(start + 4 * INTERVAL_MS, before, "the outage starts after the last reading before it");
            assertEquals(start + 40_000, after, "and ends at the first reading after it");
            assertEquals(1, values.stream().filter(Objects::isNull).count());
            assertTrue(Integer.parseInt(browser.driver.findElement(By.id("connection"))
                    .getAttribute("data-reconnects")) >= 1);
            assertEquals(List.of(), browser.problems());
        } finally {
            if (second != null) {
                second.close();
            }
        }
    }

    @ParameterizedTest(name = "at {0} px")
    @ValueSource(ints = {1366, 390})
    void the_fleet_marks_presence_and_figures_stale_while_the_hub_is_unreachable(int width) {
        TestHub hub = TestHub.start(store, Map.of());
        Api.Device device = hub.admin().provision("kiln-3");
        try (Browser browser = Browser.start()) {
            browser.viewport(width, 900);
            DashboardPage page = new DashboardPage(browser, hub.url()).openSignedOut().signInAsAdmin();
            try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), hub.admin().ticket(device))) {
                browser.await(d -> page.fleetCell("kiln-3", "Presence").equals("online"));
                assertFalse(page.markedStale());

                hub.close();

                browser.await(d -> page.markedStale());
            }
            assertEquals("italic", browser.js("return getComputedStyle("
                    + "document.querySelector(`tr[data-device='kiln-3'] .presence`)).fontStyle;"));
            assertTrue(staleNotice(browser).startsWith("Not live: the hub cannot be reached."));
            assertEquals(List.of(), browser.problems());
        }
    }

    private static String staleNotice(Browser browser) {
        return browser.driver.findElement(By.cssSelector("#view [data-part=stale]")).getText();
    }

    /** A device session that sends readings seq from..from+count-1, one interval apart, and waits for the ack. */
    private static void send(TestHub hub, Api.Device device, long from, int count, long firstTs) {
        Api admin = hub.admin();
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            for (int i = 0; i < count; i++) {
                client.send(Wire.readingFrame(new Reading(from + i, firstTs + i * INTERVAL_MS,
                        Map.of("temperature", 20.0 + from + i))));
            }
            client.ack(from + count - 1);
        }
    }
}
