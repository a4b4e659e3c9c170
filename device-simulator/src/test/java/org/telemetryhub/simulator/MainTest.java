package org.telemetryhub.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void helpListsTheBenchSubcommand() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("bench"), out.toString());
        assertEquals(0, run("bench", "--help"));
        assertTrue(out.toString().contains("--rate"), out.toString());
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertEquals(2, run("bench", "--batch", "0", "--password", "x"));
        assertTrue(err.toString().contains("--batch"), err.toString());
    }

    @Test
    void connectionsHelpNamesTheWorkloadOptions() {
        assertEquals(0, run("connections", "--help"));
        for (String option : new String[] {"--devices", "--interval-ms", "--jitter-ms", "--ramp", "--duration",
            "--hold", "--concurrency", "--max-failures"}) {
            assertTrue(out.toString().contains(option), option + " in " + out);
        }
    }

    @Test
    void connectionsWithTooMuchJitterIsAUsageErrorNamingTheRuleAndValue() {
        assertEquals(2, run("connections", "--interval-ms", "10000", "--jitter-ms", "6000", "--password", "x"));
        assertTrue(err.toString().contains("--jitter-ms must be 0 … half of --interval-ms (5000), but was 6000"),
                err.toString());
    }

    @Test
    void anUnreachableHubIsOneClearLine() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        assertEquals(Main.EXIT_FAILED, run("bench", "--hub", "http://127.0.0.1:" + port, "--password", "x"));
        assertTrue(err.toString().contains("not reachable (the connection was refused)"), err.toString());
    }

    @Test
    void run_help_explains_the_fleet_the_check_and_the_faults() {
        assertEquals(0, run("run", "--help"));

        for (String option : new String[] {"--devices", "--rate", "--transport", "--namespace", "--duration",
            "--batch", "--credentials", "--verify", "--drop-every", "--cut-every", "--duplicates", "--out-of-order",
            "--invalid", "--clock-skew", "--burst-every", "--slow"}) {
            assertTrue(out.toString().contains(option), option + " in " + out);
        }
    }

    @Test
    void run_with_a_bad_option_is_a_usage_error_naming_the_option_rule_and_value() {
        assertEquals(2, run("run", "--out-of-order", "2"));

        assertTrue(err.toString().contains("--out-of-order must be a share in [0, 1], but was 2.0"), err.toString());
    }

    @Test
    void run_with_a_bad_mqtt_address_says_so_before_touching_the_network() {
        assertEquals(Main.EXIT_FAILED, run("run", "--transport", "mixed", "--mqtt", "broker", "--hub",
                "http://127.0.0.1:9"));

        assertTrue(err.toString().contains("--mqtt must be HOST:PORT such as 127.0.0.1:1883, but was 'broker'"),
                err.toString());
    }

    @Test
    void run_against_an_unreachable_hub_is_one_clear_line() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        assertEquals(Main.EXIT_FAILED, run("run", "--hub", "http://127.0.0.1:" + port, "--password", "x"));

        assertTrue(err.toString().contains("is not reachable (the connection was refused); is it running, and is "
                + "--hub right?"), err.toString());
    }

    @Test
    void run_with_a_url_that_is_not_a_base_url_is_one_clear_line() {
        assertEquals(Main.EXIT_FAILED, run("run", "--hub", "127.0.0.1:8080", "--password", "x"));

        assertTrue(err.toString().contains("--hub must be the hub's base URL such as http://127.0.0.1:8080"),
                err.toString());
    }
}
