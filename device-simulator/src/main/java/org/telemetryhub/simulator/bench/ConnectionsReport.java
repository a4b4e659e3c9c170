package org.telemetryhub.simulator.bench;

import static org.telemetryhub.simulator.bench.BenchFigures.line;
import static org.telemetryhub.simulator.bench.BenchFigures.ms;
import static org.telemetryhub.simulator.bench.BenchFigures.round;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.telemetryhub.protocol.Wire;

/**
 * The figures of one connections benchmark, printed for people and as one JSON line whose figures are flat numbers,
 * so that a shell script can pick them out without a JSON tool.
 */
final class ConnectionsReport {

    private final Map<String, Object> json = new LinkedHashMap<>();
    private final String human;

    ConnectionsReport(String hub, int devices, long intervalMs, long jitterMs, double ramp, double duration,
                      double provisionSeconds, double rampSeconds, ConnectionRamp connections, int openAtWindowEnd,
                      int held, BenchStats stats, CpuProbe cpu) {
        Histogram h = stats.latencyMicros();
        long sent = stats.sentReadings();
        long acked = stats.ackedReadings();
        Map<String, Long> rejected = stats.rejected();
        Map<String, Long> errors = stats.errors();
        Map<String, Long> failures = connections.failures();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        boolean anyAcked = h.getTotalCount() > 0;

        json.put("bench", "connections");
        json.put("hub", hub);
        json.put("devices", devices);
        json.put("intervalMs", intervalMs);
        json.put("jitterMs", jitterMs);
        json.put("rampPerS", round(ramp));
        json.put("durationS", duration);
        json.put("provisionS", round(provisionSeconds));
        json.put("rampS", round(rampSeconds));
        json.put("connectionsOpened", connections.openedCount());
        json.put("connectionsFailed", connections.failed());
        json.put("connectFailures", failures);
        json.put("rampStopped", connections.stoppedBecause());
        json.put("connectionsOpen", openAtWindowEnd);
        json.put("connectionsHeld", held < 0 ? null : held);
        json.put("closedByHub", stats.closes());
        json.put("readingsSent", sent);
        json.put("readingsAcked", acked);
        json.put("readingsUnacked", sent - acked);
        json.put("windowReadingsSent", stats.windowSentReadings());
        json.put("windowReadingsAcked", stats.windowAckedReadings());
        // no acked reading has no latency: null, not a zero that reads as fast
        json.put("ackP50Ms", anyAcked ? ms(h, 50) : null);
        json.put("ackP99Ms", anyAcked ? ms(h, 99) : null);
        json.put("ackP999Ms", anyAcked ? ms(h, 99.9) : null);
        json.put("ackMaxMs", anyAcked ? round(h.getMaxValue() / 1000.0) : null);
        json.put("rejected", rejected);
        json.put("errors", errors);
        json.put("skippedReadings", stats.skippedFrames());
        json.put("benchCpuCores", Double.isNaN(cpu.benchCores()) ? null : round(cpu.benchCores()));
        json.put("systemCpuLoad", Double.isNaN(cpu.systemLoad()) ? null : round(cpu.systemLoad()));
        json.put("benchThreads", threads);

        StringBuilder text = new StringBuilder();
        line(text, "devices", String.format(Locale.ROOT, "%,d provisioned in %.1f s (%,.0f/s)", devices,
                provisionSeconds, devices / provisionSeconds));
        line(text, "connections", String.format(Locale.ROOT, "%,d opened, %,d failed%s in %.1f s (%,.0f/s asked)",
                connections.openedCount(), connections.failed(), failures.isEmpty() ? "" : " " + failures,
                rampSeconds, ramp));
        if (connections.stoppedBecause() != null) {
            line(text, "ramp stopped", connections.stoppedBecause());
        }
        line(text, "connections open", String.format(Locale.ROOT, "%,d at the end of the window%s", openAtWindowEnd,
                held < 0 ? "" : String.format(Locale.ROOT, ", %,d held", held)));
        if (!stats.closes().isEmpty()) {
            line(text, "closed sockets", String.valueOf(stats.closes()));
        }
        line(text, "readings", String.format(Locale.ROOT, "%,d sent, %,d acked, %,d unacked (in %.0f s measured: "
                + "%,d sent, %,d acked)", sent, acked, sent - acked, duration, stats.windowSentReadings(),
                stats.windowAckedReadings()));
        line(text, "ack latency ms", anyAcked ? String.format(Locale.ROOT, "p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  "
                + "(%,d readings sent in the window and acked, one every %,d ms ±%,d per device)", ms(h, 50),
                ms(h, 99), ms(h, 99.9), h.getMaxValue() / 1000.0, h.getTotalCount(), intervalMs, jitterMs)
                : "none: no reading sent in the window was acked");
        if (!rejected.isEmpty() || !errors.isEmpty() || stats.skippedFrames() > 0) {
            line(text, "not acked", "rejected " + rejected + ", errors " + errors + ", skipped "
                    + stats.skippedFrames());
        }
        line(text, "load generator", String.format(Locale.ROOT, "%.2f cores, %d threads; machine CPU load %.0f%%",
                cpu.benchCores(), threads, cpu.systemLoad() * 100));
        human = text.toString();
    }

    void print(PrintWriter out) {
        out.print(human);
        out.println(Wire.encode(json));
    }
}
