package org.telemetryhub.hub.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.Browser;
import org.telemetryhub.hub.support.DashboardPage;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/** Alerts in headless Chromium against a real hub: one appears live in the fleet, and an operator acknowledges it. */
class AlertsDashboardTest {

    static TestHub hub;
    static Api admin;
    static Browser browser;

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

    @Test
    void an_alert_appears_live_in_the_fleet_with_a_badge_on_its_device_and_an_operator_acknowledges_it() {
        Api.Device device = admin.provision("alarm-1", "plant-x");
        admin.post("/api/alert-rules", Map.of("name", "overheat", "namespace", "plant-x", "metric", "temperature",
                "op", ">", "threshold", 50, "severity", "critical"));
        DashboardPage page = new DashboardPage(browser, hub.url()).openSignedOut().signInAsAdmin();
        browser.await(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-device='alarm-1']")));

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Wire.readingFrame(new Reading(1, hub.clock.millis(), Map.of("temperature", 61.5))));
            client.ack(1);
        }

        WebElement alert = browser.await(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#alerts li[data-status='open']")));
        assertEquals(List.of("critical", "alarm-1", "temperature 61.5"), List.of(
                alert.findElement(By.className("severity")).getText().toLowerCase(java.util.Locale.ROOT),
                alert.findElement(By.tagName("a")).getText(), alert.findElement(By.className("what")).getText()));
        browser.await(driver -> "1".equals(page.fleetRow("alarm-1").getAttribute("data-alerts")));

        alert.findElement(By.tagName("button")).click();

        browser.await(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#alerts li[data-status='acknowledged']")));
        assertEquals("acknowledged", admin.get("/api/alerts?deviceId=alarm-1").body().get("alerts").get(0)
                .get("status").asText());
        assertEquals("admin", admin.get("/api/alerts?deviceId=alarm-1").body().get("alerts").get(0)
                .get("acknowledgedBy").asText());
        assertEquals(List.of(), browser.problems());
    }
}
