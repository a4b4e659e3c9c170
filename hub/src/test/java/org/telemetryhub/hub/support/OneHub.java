package org.telemetryhub.hub.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One hub on port 0 with its default settings and its signed-in admin, shared by the tests of a class: started
 * before the class's own {@code @BeforeAll} and closed after its {@code @AfterAll}.
 */
public abstract class OneHub {

    protected static TestHub hub;
    protected static Api admin;

    @BeforeAll
    static void startHub() {
        hub = TestHub.start();
        admin = hub.admin();
    }

    @AfterAll
    static void stopHub() {
        hub.close();
    }
}
