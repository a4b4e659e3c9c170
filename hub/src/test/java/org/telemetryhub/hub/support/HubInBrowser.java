package org.telemetryhub.hub.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What a test class that drives the dashboard needs: {@link OneHub}'s hub and admin, and one headless browser,
 * started before the class's own {@code @BeforeAll} (which may provision what its pages show) and closed after it.
 */
public abstract class HubInBrowser extends OneHub {

    protected static Browser browser;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start();
    }

    @AfterAll
    static void stopBrowser() {
        browser.close();
    }
}
