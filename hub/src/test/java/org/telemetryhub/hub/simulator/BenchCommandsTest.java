package org.telemetryhub.hub.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.simulator.Main;
import picocli.CommandLine;

/**
 * The simulator's benchmark commands, short runs against a real hub: every reading they send is acked and stored,
 * over the benchmarks' own WebSocket client, and a refused upgrade stops the ingest benchmark with the hub's answer.
 */
class BenchCommandsTest {

    @Test
    void the_ingest_benchmark_gets_every_reading_it_sends_acked_and_stored() throws Exception {
        try (TestHub hub = TestHub.start(Map.of("limits.deviceReadingsPerSecond", "100000",
                "limits.deviceBurst", "100000"))) {
            Bench run = bench(hub, "bench", "--devices", "5", "--batch", "3", "--rate", "600", "--warmup", "0",
                    "--duration", "2", "--keep-devices");

            assertEquals(0, run.exitCode(), run.output());
            JsonNode figures = run.json();
            long acked = figures.get("ackedReadings").asLong();
            assertTrue(acked >= 900, "600 readings/s for 2 s, but " + acked + " acked:\n" + run.output());
            assertEquals(0, figures.get("unackedFrames").asLong(), run.output());
            assertEquals(0, figures.get("errorsTotal").asLong(), run.output());
            assertEquals(0, figures.get("closedSockets").size(), run.output());
            long stored = 0;
            for (JsonNode device : hub.admin().get("/api/devices").body().get("devices")) {
                stored += device.get("lastSeq").asLong();
            }
            assertTrue(stored >= acked, stored + " readings stored, " + acked + " acked in the window");
        }
    }

    @Test
    void the_connections_benchmark_holds_its_sockets_and_gets_every_reading_acked() throws Exception {
        try (TestHub hub = TestHub.start()) {
            Bench run = bench(hub, "connections", "--devices", "20", "--interval-ms", "200", "--jitter-ms", "50",
                    "--ramp", "100", "--duration", "2");

            assertEquals(0, run.exitCode(), run.output());
            JsonNode figures = run.json();
            assertEquals(20, figures.get("connectionsOpened").asInt(), run.output());
            assertEquals(0, figures.get("closedByHub").size(), run.output());
            assertTrue(figures.get("readingsAcked").asLong() >= 100, run.output());
            assertEquals(0, figures.get("readingsUnacked").asLong(), run.output());
        }
    }

    @Test
    void an_ingest_benchmark_whose_sockets_are_refused_stops_with_the_hubs_answer() {
        try (TestHub hub = TestHub.start(Map.of("limits.connectionsTotal", "1"))) {
            Bench run = bench(hub, "bench", "--devices", "3", "--batch", "1", "--warmup", "0", "--duration", "1");

            assertEquals(1, run.exitCode(), run.output());
            assertTrue(run.output().contains("HTTP 503"), run.output());
        }
    }

    private record Bench(int exitCode, String report, String output) {
        /** The last line of the report: its figures as JSON. */
        JsonNode json() throws Exception {
            String[] lines = report.strip().split("\n");
            return Api.JSON.readTree(lines[lines.length - 1]);
        }
    }

    private static Bench bench(TestHub hub, String command, String... options) {
        List<String> args = new ArrayList<>(List.of(command, "--hub", hub.url(), "--password",
                TestHub.ADMIN_PASSWORD, "--quiet"));
        args.addAll(List.of(options));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args.toArray(String[]::new));
        return new Bench(exitCode, out.toString(), out + err.toString());
    }
}
