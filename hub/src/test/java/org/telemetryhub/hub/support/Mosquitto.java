package org.telemetryhub.hub.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Mosquitto as the external broker of bridge tests, started by the test on a free port with a generated
 * config, password file and ACL (the settings the README asks for: persistence, unlimited queues, devices writing
 * only their own topics), and Mosquitto's command-line clients as outside devices. {@code .ci/run} installs the
 * {@code mosquitto} and {@code mosquitto-clients} packages.
 */
public final class Mosquitto implements AutoCloseable {

    /**
     * The ACL of the README: the hub reads readings, presence, command results and reported states and writes
     * verdicts, commands and deltas; a device only its own.
     */
    public static final String ACL = """
            user hub
            topic read devices/+/telemetry
            topic read devices/+/presence
            topic read devices/+/command-results
            topic read devices/+/state/reported
            topic write devices/+/verdicts
            topic write devices/+/commands
            topic write devices/+/state/delta

            pattern write devices/%u/telemetry
            pattern write devices/%u/presence
            pattern write devices/%u/command-results
            pattern write devices/%u/state/reported
            pattern read devices/%u/verdicts
            pattern read devices/%u/commands
            pattern read devices/%u/state/delta
            """;

    public final int port;
    private final Path dir;
    private Process process;

    private Mosquitto(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts Mosquitto with these users (name to password) and {@link #ACL}; waits until it accepts connections. */
    public static Mosquitto start(Path dir, Map<String, String> users) {
        Path conf = dir.resolve("mosquitto.conf");
        Path passwords = dir.resolve("passwd");
        Path acl = dir.resolve("acl");
        int port = FreePort.any();
        try {
            Files.createDirectories(dir.resolve("data"));
            Files.writeString(passwords, "");
            for (Map.Entry<String, String> user : users.entrySet()) {
                Result added = run(List.of("mosquitto_passwd", "-b", passwords.toString(), user.getKey(),
                        user.getValue()));
                if (added.exit() != 0) {
                    throw new IllegalStateException("mosquitto_passwd failed: " + added.output());
                }
            }
            Files.writeString(acl, ACL);
            Files.writeString(conf, String.join("\n",
                    "user " + System.getProperty("user.name"),
                    "listener " + port + " 127.0.0.1",
                    "allow_anonymous false",
                    "password_file " + passwords,
                    "acl_file " + acl,
                    "persistence true",
                    "persistence_location " + dir.resolve("data") + "/",
                    "max_queued_messages 0",
                    "log_dest file " + dir.resolve("mosquitto.log"),
                    "log_type error", "log_type warning", "log_type notice", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Mosquitto broker = new Mosquitto(dir, port);
        broker.launch();
        return broker;
    }

    /** Starts the broker process: once from {@link #start}, and again on the same port and files after {@link #close}. */
    public void launch() {
        try {
            process = new ProcessBuilder(binary("/usr/sbin/mosquitto"), "-c", dir.resolve("mosquitto.conf").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.out").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("mosquitto could not be started; install the mosquitto package", e);
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited with status " + process.exitValue() + "; see "
                        + dir.resolve("mosquitto.out"));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    public String url() {
        return "mqtt://127.0.0.1:" + port;
    }

    /** Runs {@code mosquitto_pub} against this broker (or any port) with these arguments. */
    public static Result pub(int port, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p",
                Integer.toString(port)));
        command.addAll(arguments);
        return run(command);
    }

    public record Result(int exit, String output) {}

    public static Result run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            boolean done = process.waitFor(20, TimeUnit.SECONDS);
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!done) {
                process.destroyForcibly();
                throw new AssertionError(command.get(0) + " did not finish within 20 s: " + output);
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new IllegalStateException(command.get(0) + " could not be run; install the mosquitto-clients "
                    + "package", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String binary(String path) {
        return Files.isExecutable(Path.of(path)) ? path : Path.of(path).getFileName().toString();
    }
}
