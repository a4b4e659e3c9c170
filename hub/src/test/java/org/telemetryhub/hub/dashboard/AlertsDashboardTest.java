package org.telemetryhub.hub.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.Axe;
import org.telemetryhub.hub.support.DashboardPage;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.HubInBrowser;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/**
 * Alerts in headless Chromium against a real hub: one appears live in the fleet, and an operator acknowledges it;
 * one is marked on its device's chart of its metric while it lasts, and stays marked, ended, once it cleared.
 */
class AlertsDashboardTest extends HubInBrowser {

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

    @Test
    void an_alert_is_marked_on_its_metrics_chart_from_opening_to_now_and_its_mark_ends_when_it_clears() {
        Api.Device device = admin.provision("boiler-9", "plant-y");
        long ruleId = admin.post("/api/alert-rules", Map.of("name", "too hot", "deviceId", "boiler-9",
                "metric", "temperature", "op", ">", "threshold", 50, "clearThreshold", 45, "severity", "warning"))
                .body().get("ruleId").asLong();
        DashboardPage page = new DashboardPage(browser, hub.url()).openSignedOut().signInAsAdmin();
        page.openDevice("boiler-9");
        long start = hub.clock.millis();

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Wire.readingFrame(new Reading(1, start - 3000, Map.of("temperature", 20.0, "pressure", 1.2))));
            client.ack(1);
            client.send(Wire.readingFrame(new Reading(2, start - 2000, Map.of("temperature", 61.5, "pressure", 1.3))));
            client.ack(2);

            browser.await(d -> page.alertMarks("temperature") != null && page.alertMarks("temperature").size() == 1);
            Map<String, Object> open = page.alertMarks("temperature").get(0);
            assertEquals(List.of("too hot", "warning", "open", start, 50L), List.of(open.get("rule"),
                    open.get("severity"), open.get("status"), open.get("from"), open.get("threshold")));
            assertTrue(((Number) open.get("to")).longValue() >= start, "an active alert is marked up to now: " + open);
            assertTrue(page.alertMarkSentences("temperature").get(0).startsWith("too hot, warning, open since"),
                    page.alertMarkSentences("temperature").toString());
            assertEquals(List.of(), page.alertMarks("pressure"), "the alert is marked on its metric's chart only");
            for (boolean dark : List.of(false, true)) {
                browser.prefersDark(dark);
                assertEquals(List.of(), Axe.seriousViolations(browser), "device room with an alert, dark: " + dark);
            }
            browser.prefersDark(false);

            hub.clock.advance(1500);
            client.send(Wire.readingFrame(new Reading(3, start - 1000, Map.of("temperature", 40.0, "pressure", 1.2))));
            client.ack(3);
        }

        browser.await(d -> "cleared".equals(page.alertMarks("temperature").get(0).get("status")));
        Map<String, Object> cleared = page.alertMarks("temperature").get(0);
        assertEquals(List.of(start, start + 1500), List.of(cleared.get("from"), cleared.get("to")),
                "the mark ends when the alert cleared");
        assertTrue(page.alertMarkSentences("temperature").get(0).startsWith("too hot, warning, cleared, from"),
                page.alertMarkSentences("temperature").toString());
        assertEquals(ruleId, admin.get("/api/alerts?deviceId=boiler-9").body().get("alerts").get(0).get("ruleId")
                .asLong());
        assertEquals(List.of(), browser.problems());
    }

    @Test
    void a_cleared_alert_stays_marked_on_a_device_room_opened_after_it_cleared_live_and_in_history() {
        Api.Device device = admin.provision("boiler-10", "plant-y");
        admin.post("/api/alert-rules", Map.of("name", "too cold", "deviceId", "boiler-10", "metric", "temperature",
                "op", "<", "threshold", 5, "severity", "critical"));
        long start = hub.clock.millis();
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Wire.readingFrame(new Reading(1, start - 3000, Map.of("temperature", 2.0))));
            client.ack(1);
            hub.clock.advance(1000);
            client.send(Wire.readingFrame(new Reading(2, start - 2000, Map.of("temperature", 9.0))));
            client.ack(2);
        }

        DashboardPage page = new DashboardPage(browser, hub.url()).openSignedOut().signInAsAdmin();
        page.openDevice("boiler-10");

        browser.await(d -> page.alertMarks("temperature") != null && page.alertMarks("temperature").size() == 1);
        Map<String, Object> mark = page.alertMarks("temperature").get(0);
        assertEquals(List.of("too cold", "critical", "cleared", start, start + 1000), List.of(mark.get("rule"),
                mark.get("severity"), mark.get("status"), mark.get("from"), mark.get("to")));

        page.chooseWindow("15m");

        browser.await(d -> "15m".equals(page.shownWindow("temperature")));
        assertEquals(List.of(mark), page.alertMarks("temperature"), "history windows mark it too");
        assertEquals(List.of(), browser.problems());
    }
}
