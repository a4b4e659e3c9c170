package org.telemetryhub.hub.dashboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.Browser;
import org.telemetryhub.hub.support.DashboardPage;
import org.telemetryhub.hub.support.TestHub;

/**
 * The fleet view's load time with a large fleet, run by scripts/bench-fleet.sh (its name keeps it out of the test
 * suite): provisions bench.devices devices (10,000) in ten namespaces over the API, then loads the signed-in fleet
 * view bench.runs times (3) and prints each load and the median. A load lasts from navigation until the first rows
 * and the fleet's totals are on screen. It prints figures and asserts nothing about them.
 */
class FleetLoadBenchmark {

    static final int DEVICES = Integer.getInteger("bench.devices", 10_000);
    static final int RUNS = Integer.getInteger("bench.runs", 3);

    /** Notes, in the page, when the fleet's totals and a first row are on screen (ms since navigation). */
    static final String WATCH_LOAD = """
            new MutationObserver((changes, observer) => {
              const totals = document.querySelector('[data-part=totals]');
              if (totals && totals.textContent.startsWith('%d devices') && document.querySelector('tr[data-device]')) {
                window.__fleetShownAt = performance.now();
                observer.disconnect();
              }
            }).observe(document, { childList: true, subtree: true, characterData: true });
            """.formatted(DEVICES);

    @Test
    void prints_the_fleet_views_load_time() throws Exception {
        try (TestHub hub = TestHub.start(); Browser browser = Browser.start()) {
            provision(hub.admin());
            browser.viewport(1366, 900);
            DashboardPage page = new DashboardPage(browser, hub.url()).openSignedOut().signInAsAdmin();
            browser.await(Duration.ofSeconds(60), d -> page.fleetDevices().size() > 0);
            String watcher = browser.beforeEveryPage(WATCH_LOAD);
            List<Double> loads = new ArrayList<>();
            for (int run = 1; run <= RUNS; run++) {
                page.reload();
                Number shownAt = browser.await(Duration.ofSeconds(60),
                        d -> (Number) browser.js("return window.__fleetShownAt;"));
                loads.add(shownAt.doubleValue());
                System.out.printf("[bench-fleet] run %d: %d devices, fleet view loaded in %.0f ms%n", run, DEVICES,
                        shownAt.doubleValue());
            }
            browser.forget(watcher);
            List<Double> sorted = loads.stream().sorted().toList();
            System.out.printf("[bench-fleet] median of %d: %.0f ms for %d devices%n", RUNS, sorted.get(RUNS / 2),
                    DEVICES);
        }
    }

    /** Provisions the fleet over the API, four requests at a time. */
    private static void provision(Api admin) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Api.Answer>> answers = IntStream.range(0, DEVICES)
                    .mapToObj(i -> pool.submit(() -> admin.post("/api/devices", Map.of(
                            "deviceId", "sim-%05d".formatted(i), "namespace", "site-" + i % 10))))
                    .toList();
            for (Future<Api.Answer> answer : answers) {
                if (answer.get().status() != 201) {
                    throw new IllegalStateException("provisioning failed: " + answer.get().body());
                }
            }
        } finally {
            pool.shutdown();
        }
    }
}
