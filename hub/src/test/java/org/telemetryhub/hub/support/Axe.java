package org.telemetryhub.hub.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The axe-core accessibility engine (the axe.min.js that Deque's axe-core Selenium jar ships, a test dependency) run
 * on the page a browser shows, against the WCAG 2.2 A and AA rules. The page's CSP does not apply: the engine comes
 * in through the driver.
 */
public final class Axe {

    private static final String SOURCE = engine();

    private static final String RUN = """
            const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
              .then(result => done(result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '
                  + v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(', '))),
                error => done(['axe failed: ' + error]));
            """;

    private Axe() {}

    /** The serious and critical violations on the page as shown now, one sentence each; empty when none. */
    @SuppressWarnings("unchecked")
    public static List<String> seriousViolations(Browser browser) {
        browser.js(SOURCE);
        return (List<String>) browser.driver.executeAsyncScript(RUN);
    }

    private static String engine() {
        try (InputStream script = Axe.class.getClassLoader().getResourceAsStream("axe.min.js")) {
            if (script == null) {
                throw new IllegalStateException("axe.min.js is not on the test classpath (com.deque.html.axe-core)");
            }
            return new String(script.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
