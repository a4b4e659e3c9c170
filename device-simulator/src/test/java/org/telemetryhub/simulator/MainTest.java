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
    void anUnreachableHubIsOneClearLine() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        assertEquals(Main.EXIT_FAILED, run("bench", "--hub", "http://127.0.0.1:" + port, "--password", "x"));
        assertTrue(err.toString().contains("not reachable (the connection was refused)"), err.toString());
    }
}
