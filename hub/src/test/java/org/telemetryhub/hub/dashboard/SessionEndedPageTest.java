package org.telemetryhub.hub.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.telemetryhub.hub.support.DashboardPage;
import org.telemetryhub.hub.support.HubInBrowser;

/**
 * When its session ends elsewhere (a logout from another tab or script, a password change by an admin), the page
 * shows the sign-in form with the hub's sentence saying why, and stops: no reconnecting into 401s.
 */
class SessionEndedPageTest extends HubInBrowser {

    DashboardPage page;

    @BeforeEach
    void openPage() {
        page = new DashboardPage(browser, hub.url()).openSignedOut();
    }

    @AfterEach
    void pageHadNoProblems() {
        assertEquals(List.of(), browser.problems());
    }

    @Test
    void a_logout_elsewhere_shows_the_sign_in_page_saying_why_and_the_page_stops_calling_the_hub() throws Exception {
        page.signInAsAdmin();
        browser.await(d -> page.connectionState().equals("live"));
        String session = browser.driver.manage().getCookieNamed("hub_session").getValue();

        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(hub.url() + "/api/logout"))
                .header("Authorization", "Bearer " + session).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());

        browser.await(Duration.ofSeconds(1), ExpectedConditions.textToBe(By.id("signed-out-why"),
                "The session ended because it was signed out; sign in again."));
        assertNull(browser.js("return window.hubDashboard.connection();"), "the connection has stopped");
        long calls = apiCalls();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> apiCalls() == calls);
    }

    @Test
    void a_password_change_while_on_server_sent_events_shows_the_sign_in_page_saying_why() {
        admin.provision("seen-by-viewer", "plant-v");
        admin.post("/api/operators", Map.of("username", "watcher", "password", "watcher-password",
                "role", "viewer", "namespaces", List.of("plant-v")));
        String blocker = browser.beforeEveryPage(DashboardTest.BLOCKED_WEBSOCKET);
        try {
            page = new DashboardPage(browser, hub.url()).openSignedOut().signIn("watcher", "watcher-password");
            page.openDevice("seen-by-viewer");
            browser.await(d -> page.connectionState().equals("fallback"));

            admin.put("/api/operators/watcher/password", Map.of("password", "a-new-watcher-password"));

            browser.await(Duration.ofSeconds(1), ExpectedConditions.textToBe(By.id("signed-out-why"),
                    "The session ended because the operator's password was changed; sign in again."));
        } finally {
            browser.forget(blocker);
        }
    }

    /** The operator API calls the page made so far. */
    private long apiCalls() {
        return (Long) browser.js("return performance.getEntriesByType('resource')"
                + ".filter(entry => entry.name.includes('/api/')).length;");
    }
}
