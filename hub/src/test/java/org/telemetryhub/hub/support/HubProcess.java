package org.telemetryhub.hub.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.telemetryhub.hub.Main;
import org.telemetryhub.hub.config.Settings;

/**
 * A real hub in its own JVM ({@code java -cp <this JVM's class path> ...Main}), configured only through HUB_*
 * variables, on a fresh free port per start and a store folder that outlives the process, so a test can kill it with
 * SIGKILL and start it again on the same store. The child's output is appended to a log file for diagnosis.
 */
public final class HubProcess implements AutoCloseable {

    public static final String ADMIN_PASSWORD = TestHub.ADMIN_PASSWORD;
    private static final String START_MARK = "==== start ";
    private static final String EXITED_MARK = ": exited before it was healthy, ";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Path storeDir;
    private final Map<String, String> settings;
    private final Path log;
    private Process process;
    private int port;
    private int starts;

    private HubProcess(Path storeDir, Map<String, String> settings, Path log) {
        this.storeDir = storeDir;
        this.settings = settings;
        this.log = log;
    }

    /**
     * Starts a hub on {@code storeDir} with test defaults (admin password, fast hashing) overridden by
     * {@code settings} (config keys such as {@code store.url}); waits until {@code GET /health} answers 200.
     */
    public static HubProcess start(Path storeDir, Map<String, String> settings, Path log) {
        HubProcess hub = new HubProcess(storeDir, Map.copyOf(settings), log);
        hub.start();
        return hub;
    }

    /** (Re)starts the hub on the same store, on a new free port. */
    public void start() {
        start(false);
    }

    /**
     * Starts the hub again on the same store and the same port, so clients that know its URL (a device fleet) find
     * it again by themselves.
     */
    public void restartOnSamePort() {
        start(true);
    }

    private void start(boolean samePort) {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the hub is still running (pid " + process.pid() + ")");
        }
        // A free port can be taken between probing and binding: a child that dies before it is healthy is retried.
        for (int attempt = 1; ; attempt++) {
            starts++;
            port = samePort ? port : FreePort.any();
            process = launch();
            try {
                awaitHealthy();
                return;
            } catch (HubExited e) {
                appendToLog(START_MARK + starts + EXITED_MARK + e.getMessage() + "\n");
                if (attempt == 3) {
                    throw new IllegalStateException(e.getMessage() + "; see " + log.toAbsolutePath());
                }
            }
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public URI deviceSocket() {
        return URI.create("ws://127.0.0.1:" + port + "/ws/device");
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /**
     * The lines of a hub log that contain {@code text}, from the starts that became healthy only: a start retried
     * because its child died before it was healthy (a port taken between probe and bind) may have logged its first
     * lines, and a test counting starts must not count it.
     */
    public static List<String> linesOfHealthyStarts(Path log, String text) {
        List<List<String>> starts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.startsWith(START_MARK) && line.contains(EXITED_MARK)) {
                    starts.remove(starts.size() - 1); // the start line before it, which this class wrote
                } else if (line.startsWith(START_MARK)) {
                    starts.add(new ArrayList<>());
                } else if (!starts.isEmpty() && line.contains(text)) {
                    starts.get(starts.size() - 1).add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return starts.stream().flatMap(List::stream).toList();
    }

    /** An operator API client signed in as admin with a bearer token. */
    public Api admin() {
        return Api.signedIn(url(), "admin", ADMIN_PASSWORD);
    }

    /** SIGKILL ({@code kill -9}): no shutdown hook runs, nothing is flushed. Returns once the process is gone. */
    public void kill() {
        Process p = process;
        p.destroyForcibly();
        awaitExit(p, "SIGKILL");
    }

    /** SIGTERM: the hub's shutdown hook closes it cleanly. Returns once the process is gone. */
    public void stop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            awaitExit(p, "SIGTERM");
        } catch (IllegalStateException e) {
            p.destroyForcibly();
            awaitExit(p, "SIGKILL after SIGTERM");
            throw e;
        }
    }

    @Override
    public void close() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            awaitExit(p, "SIGKILL");
        }
    }

    private Process launch() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(),
                // C1 only and the serial collector: starts in about half the time on two cores, and keeps up
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                // the hub's own logging (INFO), not the test class path's logback-test.xml
                "-Dlogback.configurationFile=logback.xml",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        Map<String, String> values = new TreeMap<>();
        values.put("http.port", Integer.toString(port));
        values.put("store.dir", storeDir.toAbsolutePath().toString());
        values.put("admin.password", ADMIN_PASSWORD);
        values.put("admin.passwordIterations", "1000");
        values.put("mqtt.mode", "off"); // MQTT tests ask for a broker, on a free port
        values.putAll(settings);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("HUB_"));
        values.forEach((key, value) -> builder.environment().put(Settings.envName(key), value));
        try {
            appendToLog(START_MARK + starts + " at " + Instant.now() + " on port " + port + " with "
                    + values.keySet() + "\n");
            builder.redirectErrorStream(true);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void appendToLog(String text) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class HubExited extends RuntimeException {
        HubExited(String message) {
            super(message);
        }
    }

    private void awaitHealthy() {
        Process p = process;
        try {
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (!p.isAlive()) {
                    throw new HubExited("the hub exited with status " + p.exitValue() + " before it was healthy");
                }
                return health() == 200;
            });
        } catch (ConditionTimeoutException e) {
            p.destroyForcibly();
            awaitExit(p, "SIGKILL");
            throw new IllegalStateException("the hub did not answer GET /health with 200 within " + START_TIMEOUT
                    + "; see " + log.toAbsolutePath(), e);
        }
    }

    private int health() {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url() + "/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitExit(Process p, String signal) {
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the hub (pid " + p.pid() + ") did not exit within 15 s of "
                        + signal + "; see " + log.toAbsolutePath());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
