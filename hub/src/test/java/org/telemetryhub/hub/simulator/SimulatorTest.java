package org.telemetryhub.hub.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.simulator.Main;
import picocli.CommandLine;

/**
 * Fifty simulated devices, a third each over WebSocket, HTTP and MQTT, run for 20 s against a real hub, and the
 * simulator's own end-to-end check (store paged by offset, a dashboard and an SSE stream per device) must find
 * nothing lost, nothing duplicated and every invalid reading rejected, with and without connection trouble.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(SimulatorRun.FLEET)
class SimulatorTest {

    private static final String[] MIXED_FLEET = {"--devices", "50", "--transport", "mixed", "--rate", "5",
        "--duration", "14", "--batch", "5", "--invalid", "0.03"};

    @TempDir
    Path dir;

    @Test
    void mixed_fleet_loses_nothing_duplicates_nothing_and_every_invalid_reading_is_rejected() {
        try (TestHub hub = TestHub.start(TestHub.EMBEDDED_MQTT)) {
            SimulatorRun.Result result = SimulatorRun.run(hub.url(), dir, withFaults(hub));

            assertEquals(0, result.exitCode(), result.output());
            assertEquals(17, result.transport("ws").path("devices").asInt(), result.output());
            assertEquals(17, result.transport("http").path("devices").asInt(), result.output());
            assertEquals(16, result.transport("mqtt").path("devices").asInt(), result.output());
            assertEquals(50, result.verified("observed"), result.output());
            assertEquals(0, result.verified("lost"), result.output());
            assertEquals(0, result.verified("duplicated"), result.output());
            assertEquals(0, result.verified("unacked"), result.output());
            assertEquals(0, result.verified("misjudged"), result.output());
            assertTrue(result.verified("invalid") > 0, result.output());
            assertEquals(result.verified("invalid"), result.verified("rejectedAsExpected"), result.output());
            assertEquals(result.verified("sent") - result.verified("invalid"), result.verified("stored"),
                    result.output());
        }
    }

    @Test
    void connection_drops_duplicate_and_out_of_order_sends_lose_nothing_and_duplicate_nothing() {
        try (TestHub hub = TestHub.start(TestHub.EMBEDDED_MQTT)) {
            SimulatorRun.Result result = SimulatorRun.run(hub.url(), dir, withFaults(hub, "--drop-every", "2",
                    "--duplicates", "0.1", "--out-of-order", "0.1"));

            assertEquals(0, result.exitCode(), result.output());
            assertEquals(0, result.verified("lost"), result.output());
            assertEquals(0, result.verified("duplicated"), result.output());
            assertEquals(0, result.verified("unacked"), result.output());
            assertEquals(result.verified("invalid"), result.verified("rejectedAsExpected"), result.output());
            for (String transport : new String[] {"ws", "http", "mqtt"}) {
                // a drop every 2 s of a 14 s run: at least 5 per device, 16 devices or more per transport
                assertTrue(result.transport(transport).path("reconnects").asLong() >= 16 * 5, result.output());
                assertTrue(result.transport(transport).path("duplicateSends").asLong() > 0, result.output());
                assertTrue(result.transport(transport).path("outOfOrder").asLong() > 0, result.output());
            }
        }
    }

    @Test
    void wrong_operator_password_is_one_clear_line_and_exit_code_one() {
        try (TestHub hub = TestHub.start()) {
            StringWriter err = new StringWriter();

            int exitCode = execute(err, "run", "--hub", hub.url(), "--password", "not-the-password");

            assertEquals(Main.EXIT_FAILED, exitCode, err.toString());
            assertTrue(err.toString().contains("answered 401 bad_credentials (wrong username or password); check "
                    + "--user and --password / --password-file"), err.toString());
        }
    }

    @Test
    void device_with_a_wrong_secret_in_the_credentials_file_is_named_in_one_clear_line() throws Exception {
        try (TestHub hub = TestHub.start()) {
            hub.admin().provision("sensor-1");
            Path credentials = dir.resolve("fleet.csv");
            Files.writeString(credentials, "sensor-1,not-its-secret\n");
            StringWriter err = new StringWriter();

            int exitCode = execute(err, "run", "--hub", hub.url(), "--credentials", credentials.toString());

            assertEquals(Main.EXIT_FAILED, exitCode, err.toString());
            assertTrue(err.toString().contains("device sensor-1 cannot connect: get a ticket for device sensor-1 "
                    + "failed: 401 bad_credentials: the device id or secret is wrong"), err.toString());
        }
    }

    private static int execute(StringWriter err, String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** The mixed fleet's options for this hub's MQTT port, then {@code faults}. */
    private static String[] withFaults(TestHub hub, String... faults) {
        List<String> args = new ArrayList<>(List.of(MIXED_FLEET));
        args.addAll(List.of("--mqtt", "127.0.0.1:" + hub.mqttPort()));
        args.addAll(List.of(faults));
        return args.toArray(String[]::new);
    }
}
