package org.telemetryhub.hub.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.telemetryhub.hub.support.TestHub;

/**
 * Runs every worked example of {@code docs/protocol.md}, in document order, against one real hub started with the
 * document's own settings, so the protocol reference cannot drift from the code. One dynamic test per example; once
 * an example fails, the later ones are skipped (they build on it), and the last test checks that all of them ran.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtocolExamplesTest {

    static final Path DOCUMENT = Path.of(System.getProperty("project.root", ".."), "docs", "protocol.md");

    String markdown;
    ProtocolDoc doc;
    TestHub hub;
    ExampleRunner runner;

    /** Settings added to the document's own: where the store is (here the default, H2). */
    Map<String, String> storeSettings() {
        return Map.of();
    }

    @BeforeAll
    void start() throws IOException {
        markdown = Files.readString(DOCUMENT);
        doc = ProtocolDoc.parse(markdown);
        Map<String, String> settings = new HashMap<>(doc.settings());
        settings.putAll(storeSettings());
        hub = TestHub.start(settings);
        // <now> is a whole minute, so time buckets in the examples start at <now>
        hub.clock.advance(60_000 - hub.clock.millis() % 60_000);
        Placeholders placeholders = new Placeholders(hub.clock.millis(), hub.hub.port(),
                Map.of("password", TestHub.ADMIN_PASSWORD));
        runner = new ExampleRunner(hub.hub.port(), placeholders, hub.clock);
    }

    @AfterAll
    void stop() {
        if (runner != null) {
            runner.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> every_example_of_the_protocol_reference_holds_against_a_real_hub() {
        AtomicInteger passed = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        Stream<DynamicTest> examples = doc.examples().stream().map(example ->
                DynamicTest.dynamicTest(example.title(), source(example.line()), () -> {
                    assumeTrue(!failed.get(), "skipped: an earlier example failed, and this one builds on it");
                    failed.set(true);
                    runner.run(example);
                    failed.set(false);
                    passed.incrementAndGet();
                }));
        DynamicTest allRan = DynamicTest.dynamicTest("every example in the document was parsed and passed", () -> {
            assertEquals(ProtocolDoc.exampleMarks(markdown), doc.examples().size(),
                    "fences that open an example vs. examples parsed");
            assertEquals(doc.examples().size(), passed.get(), "examples parsed vs. examples that passed");
        });
        return Stream.concat(examples, Stream.of(allRan));
    }

    private static URI source(int line) {
        return URI.create(DOCUMENT.toAbsolutePath().normalize().toUri() + "?line=" + line);
    }
}
