package org.telemetryhub.hub.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.simulator.Main;
import picocli.CommandLine;

/**
 * The device simulator's {@code run} command, executed in this JVM through its picocli command line exactly as
 * {@code java -jar device-simulator.jar run ...} would, with its JSON report read back.
 */
final class SimulatorRun {

    /** What a run left: its exit code, its JSON report (null when it wrote none) and everything it printed. */
    record Result(int exitCode, JsonNode report, String output) {

        /** The sum of a verify column over every transport. */
        long verified(String column) {
            long sum = 0;
            for (JsonNode row : report.path("verify")) {
                sum += row.path(column).asLong();
            }
            return sum;
        }

        JsonNode transport(String name) {
            for (JsonNode row : report.path("transports")) {
                if (row.path("transport").asText().equals(name)) {
                    return row;
                }
            }
            throw new AssertionError("no transport " + name + " in the report:\n" + output);
        }
    }

    /**
     * The lock that the classes running fleets hold: they run beside the other test classes (a real-time fleet
     * mostly waits), one at a time among themselves.
     */
    static final String FLEET = "device simulator fleet";

    private SimulatorRun() {}

    /** Runs {@code run --verify} against the hub at {@code hubUrl} with {@code options}; returns when it ends. */
    static Result run(String hubUrl, Path dir, String... options) {
        Path report = dir.resolve("report-" + System.nanoTime() + ".json");
        List<String> args = new ArrayList<>(List.of("run", "--hub", hubUrl, "--password", TestHub.ADMIN_PASSWORD,
                "--verify", "--report", report.toString(), "--seed", "42"));
        args.addAll(List.of(options));
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int exitCode = cli.execute(args.toArray(String[]::new));
        String output = out.toString();
        System.out.println(output);
        try {
            JsonNode json = Files.exists(report) ? Api.JSON.readTree(Files.readString(report)) : null;
            return new Result(exitCode, json, output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #run} on a thread of its own, for tests that do something to the hub meanwhile. */
    static CompletableFuture<Result> start(String hubUrl, Path dir, String... options) {
        CompletableFuture<Result> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(run(hubUrl, dir, options));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "simulator-run");
        thread.setDaemon(true);
        thread.start();
        return result;
    }
}
