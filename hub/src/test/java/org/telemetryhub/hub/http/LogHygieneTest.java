package org.telemetryhub.hub.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DashboardClient;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.TestHub;

/**
 * No raw input in any log line, the hub's or Jetty's: hostile requests carry a marker, and nothing the hub logs at
 * its production levels (INFO; Jetty's loggers as in the shipped logback.xml, which the test logging repeats) may
 * contain it, nor run long.
 */
class LogHygieneTest {

    static final String MARKER = "rawinput" + Long.toHexString(System.nanoTime());
    static final ListAppender<ILoggingEvent> log = new ListAppender<>();
    static final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    static Level rootLevel;
    static TestHub hub;

    @BeforeAll
    static void start() {
        rootLevel = root.getLevel();
        root.setLevel(Level.INFO);
        log.start();
        root.addAppender(log);
        hub = TestHub.start(Map.of("limits.authFailuresPerAddress", "1000", "limits.authFailuresPerId", "1000"));
    }

    @AfterAll
    static void stop() {
        hub.close();
        root.detachAppender(log);
        root.setLevel(rootLevel);
    }

    @Test
    void a_request_with_two_long_host_headers_is_refused_and_neither_header_is_logged() throws IOException {
        String host = "127.0.0.1" + MARKER + "h".repeat(3_500); // two fit in the 8 KB a request head may take

        String status = raw("GET /health HTTP/1.1\r\nHost: " + host + "\r\nHost: " + host + "\r\n\r\n");

        assertTrue(status.startsWith("HTTP/1.1 400"), status);
        assertClean();
    }

    @Test
    void hostile_paths_credentials_frames_and_subscriptions_leave_no_trace_of_themselves_in_the_log() {
        Api admin = hub.admin();
        Api anonymous = hub.anonymous();
        anonymous.get("/api/" + MARKER + "x".repeat(4_000));
        anonymous.get("/" + MARKER + "%0d%0aevent=forged");
        anonymous.post("/api/login", Map.of("username", MARKER, "password", MARKER));
        anonymous.post("/api/tickets", Map.of("deviceId", MARKER, "secret", MARKER));
        anonymous.postRaw("/api/tickets", "{\"deviceId\":\"" + MARKER + "\",", Map.of());
        anonymous.ingest("sensor-1", MARKER, "{}");
        Api.Device device = admin.provision("logged");
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device));
             DashboardClient dashboard = hub.dashboard()) {
            client.send("{\"type\":\"" + MARKER + "\"");
            assertEquals("bad_message", client.next().get("error").asText());
            dashboard.subscribe(MARKER + "y".repeat(100_000), null);
            assertEquals("unknown_device", dashboard.next("error").get("error").asText());
        }
        assertEquals(401, DeviceClient.refusedStatus(hub.deviceSocket(), MARKER));

        assertClean();
    }

    @Test
    void the_test_logging_keeps_the_jetty_levels_of_the_shipped_logging() throws IOException {
        assertEquals(jettyLevels("logback.xml"), jettyLevels("logback-test.xml"));
    }

    private static List<String> jettyLevels(String resource) throws IOException {
        try (InputStream in = LogHygieneTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(line -> line.startsWith("<logger name=\"org.eclipse.jetty")).toList();
        }
    }

    private static void assertClean() {
        for (ILoggingEvent event : List.copyOf(log.list)) {
            String line = event.getFormattedMessage() + thrown(event.getThrowableProxy());
            assertTrue(!line.contains(MARKER), () -> "logged raw input: " + line.substring(0,
                    Math.min(300, line.length())));
            assertTrue(event.getFormattedMessage().length() < 400, () -> "a long log line: "
                    + line.substring(0, 300));
        }
    }

    private static String thrown(IThrowableProxy thrown) {
        return thrown == null ? "" : thrown.getClassName() + ": " + thrown.getMessage() + thrown(thrown.getCause());
    }

    /** Sends raw bytes and returns the hub's status line. */
    private static String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", hub.hub.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(12), StandardCharsets.US_ASCII);
        }
    }
}
