package org.telemetryhub.hub.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What a test class that drives the dashboard needs: one hub on port 0 with its admin, and one headless browser,
 * started before the class's own {@code @BeforeAll} (which may provision what its pages show) and closed after it.
 */
public abstract class HubInBrowser {

    protected static TestHub hub;
    protected static Api admin;
    protected static Browser browser;

    @BeforeAll
    static void startHubAndBrowser() {
        hub = TestHub.start();
        admin = hub.admin();
        browser = Browser.start();
    }

    @AfterAll
    static void stopHubAndBrowser() {
        browser.close();
        hub.close();
    }
}
