package org.telemetryhub.hub.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.telemetryhub.hub.support.HubInBrowser;

/** /api/docs in a real browser: Swagger UI shows every operation of the document, under the hub's strict policy. */
class ApiDocsPageTest extends HubInBrowser {

    @Test
    void the_docs_page_shows_every_documented_operation_without_a_policy_violation_or_a_script_error() {
        int operations = new OpenApiDocument().operations.size();

        browser.driver.get(hub.url() + "/api/docs");

        browser.await(driver -> driver.findElements(By.cssSelector(".opblock")).size() == operations);
        assertEquals("Telemetry hub HTTP API", browser.driver.findElement(By.cssSelector(".info .title"))
                .getText().lines().findFirst().orElse("").replaceAll("\\s*\\d+(\\.\\d+)*\\s*OAS.*$", "").trim());
        assertEquals(List.of(), browser.problems());
    }
}
