package org.telemetryhub.hub.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.Browser;
import org.telemetryhub.hub.support.DashboardPage;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/** The web dashboard in headless Chromium against a real hub: sign-in, fleet, device rooms, safety. */
class DashboardTest {

    static TestHub hub;
    static Api admin;
    static Browser browser;
    DashboardPage page;

    @BeforeAll
    static void start() {
        hub = TestHub.start();
        admin = hub.admin();
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        browser.close();
        hub.close();
    }

    @BeforeEach
    void openPage() {
        page = new DashboardPage(browser, hub.url()).openSignedOut();
    }

    @AfterEach
    void pageHadNoProblems() {
        assertEquals(List.of(), browser.problems());
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
        assertTrue(page.offsets().equals(List.of(1L)));
        assertFalse(page.showsSignIn());
    }
}
