package org.telemetryhub.hub.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardPage;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.HubInBrowser;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/**
 * Screenshots of a plausible plant: a boiler that reported every 5 s for 15 minutes, went offline for two, lost a
 * few readings and had three refused (one in the middle of its seqs). scripts/screenshot.sh copies the pictures to
 * docs/ for the README: the fleet and the device room on a laptop, the device room on a phone.
 */
class DashboardScreenshotTest extends HubInBrowser {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final long INTERVAL_MS = 5_000;
    static final long LOST_AGO = 40; // intervals ago, three readings were lost
    static final long REFUSED_AGO = 150; // and here one was refused for its content

    @Test
    void writes_screenshots_of_the_fleet_and_a_device_room_with_its_gaps_marked_on_a_laptop_and_a_phone() {
        Api.Device boiler = admin.provision("boiler-3", "plant-a");
        for (String id : List.of("boiler-1", "boiler-2", "chiller-1")) {
            admin.provision(id, "plant-a");
        }
        admin.provision("dock-door-4", "warehouse");
        browser.viewport(1366, 900);
        DashboardPage page = new DashboardPage(browser, hub.url()).openSignedOut();

        try (DeviceClient device = DeviceClient.connect(hub.deviceSocket(), admin.ticket(boiler))) {
            long now = hub.clock.millis();
            List<Reading> readings = history(now);
            for (int i = 0; i < readings.size(); i += 100) {
                device.send(Wire.batchFrame(readings.subList(i, Math.min(readings.size(), i + 100))));
            }
            long lastSeq = readings.get(readings.size() - 1).seq();
            device.ack(lastSeq);
            device.send("{\"type\":\"reading\",\"seq\":" + (lastSeq + 1) + ",\"ts\":" + now
                    + ",\"metrics\":{\"flow rate\":12.5}}");
            device.send("{\"type\":\"reading\",\"seq\":" + (lastSeq + 2) + ",\"ts\":" + (now + 3_600_000)
                    + ",\"metrics\":{\"temperature\":71.2}}");
            long refused = refusedSeq(readings);
            device.send("{\"type\":\"reading\",\"seq\":" + refused + ",\"ts\":"
                    + (now - REFUSED_AGO * INTERVAL_MS) + ",\"metrics\":{\"temperature\":\"hot\"}}");
            device.next(m -> m.path("seq").asLong() == refused);

            page.signInAsAdmin();
            browser.await(d -> page.fleetDevices().size() == 5);
            browser.screenshot(SCREENSHOTS.resolve("fleet.png"));
            page.openDevice("boiler-3");
            browser.await(d -> browser.driver.findElements(By.cssSelector(".chart")).size() == 3);
            browser.await(d -> page.rejectionsText().contains("hot"));
            browser.screenshot(SCREENSHOTS.resolve("device-view.png"));

            assertEquals(List.of("rejected", "silence", "missing"), page.gapKinds("temperature"),
                    "the refused seq and the lost ones are marks apart, the two offline minutes a silent span");

            browser.viewport(390, 844);
            browser.await(d -> browser.driver.findElement(By.cssSelector(".chart")).getSize().getWidth() < 390);
            browser.screenshotOfScreen(SCREENSHOTS.resolve("phone.png"));
        }

        assertEquals(List.of(), browser.problems());
    }

    /** 15 minutes every 5 s, with two minutes offline, three seqs lost and one seq left for a refused reading. */
    static List<Reading> history(long now) {
        List<Reading> readings = new ArrayList<>();
        long seq = 0;
        for (long ts = now - 15 * 60_000; ts < now; ts += INTERVAL_MS) {
            long minutesAgo = (now - ts) / 60_000;
            if (minutesAgo == 8 || minutesAgo == 9) {
                continue;
            }
            long intervalsAgo = (now - ts) / INTERVAL_MS;
            seq += intervalsAgo == LOST_AGO ? 4 : intervalsAgo == REFUSED_AGO ? 2 : 1;
            double phase = ts / 120_000.0;
            readings.add(new Reading(seq, ts, Map.of(
                    "temperature", round(68 + 4 * Math.sin(phase) + noise(ts, 0.6)),
                    "pressure", round(2.0 + 0.15 * Math.cos(phase * 0.7) + noise(ts, 0.02)),
                    "flow", round(12 + 3 * Math.sin(phase * 1.9) + noise(ts, 0.4)))));
        }
        return readings;
    }

    /** The seq history() skipped where the device's reading was refused: the one before a step of two. */
    static long refusedSeq(List<Reading> readings) {
        for (int i = 1; i < readings.size(); i++) {
            if (readings.get(i).seq() == readings.get(i - 1).seq() + 2) {
                return readings.get(i).seq() - 1;
            }
        }
        throw new IllegalStateException("history() skips one seq");
    }

    static double noise(long ts, double amplitude) {
        return amplitude * Math.sin(ts * 0.000731) * Math.cos(ts * 0.00117);
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
