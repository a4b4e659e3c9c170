package org.telemetryhub.hub.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardPage;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.HubInBrowser;

/** The device room's commands: an admin sends one from the page and watches it go through to its result. */
class DashboardCommandsTest extends HubInBrowser {

    @Test
    void an_admin_sends_a_command_from_the_device_room_and_watches_its_result_arrive() {
        Api.Device device = admin.provision("valve-1");
        DashboardPage page = new DashboardPage(browser, hub.url()).openSignedOut().signInAsAdmin();
        page.openDevice("valve-1");

        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            WebElement form = browser.driver.findElement(By.cssSelector("[data-part=command-form]"));
            form.findElement(By.name("name")).sendKeys("set_interval");
            form.findElement(By.name("args")).sendKeys("{\"intervalMs\":5000}");
            form.findElement(By.tagName("button")).click();
            JsonNode command = client.next();
            client.send("{\"type\":\"command_result\",\"commandId\":\"" + command.get("commandId").asText()
                    + "\",\"ok\":true,\"result\":{\"applied\":5000}}");
            client.next();

            browser.await(d -> commandsText().contains("succeeded"));
        }

        assertTrue(commandsText().contains("set_interval"), commandsText());
        assertTrue(commandsText().contains("{\"intervalMs\":5000} → {\"applied\":5000}"), commandsText());
        assertEquals(List.of(), browser.problems());
    }

    private static String commandsText() {
        return (String) browser.js("return document.querySelector('.commands').textContent;");
    }
}
