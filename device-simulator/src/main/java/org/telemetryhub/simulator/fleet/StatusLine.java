package org.telemetryhub.simulator.fleet;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.telemetryhub.simulator.device.TransportStats;

/**
 * Live progress on one line: devices connected, readings sent, acked, rejected and resent, and the ack rate and ack
 * latency since the previous line. On a terminal the line updates in place every second; otherwise (a pipe,
 * a log, a test) a full line goes out every five seconds.
 */
final class StatusLine implements Runnable {

    private static final int PLAIN_EVERY = 5;

    private final Fleet fleet;
    private final PrintWriter err;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private long lastAcked;
    private long lastNanos = startNanos;
    private Histogram lastLatency = new Histogram(3);
    private int calls;
    private int width;

    StatusLine(Fleet fleet, PrintWriter err, boolean terminal) {
        this.fleet = fleet;
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public synchronized void run() {
        calls++;
        if (!terminal && calls % PLAIN_EVERY != 0) {
            return;
        }
        String line = line();
        if (terminal) {
            err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            width = line.length();
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Ends the updating line, so what follows starts on a line of its own. */
    synchronized void finish() {
        if (terminal && width > 0) {
            err.println();
            err.flush();
        }
    }

    private String line() {
        List<TransportStats.Snapshot> all = fleet.snapshot();
        long now = System.nanoTime();
        int devices = 0;
        int connected = 0;
        long sent = 0;
        long acked = 0;
        long rejected = 0;
        long resent = 0;
        Histogram latency = new Histogram(3);
        for (TransportStats.Snapshot s : all) {
            devices += s.devices();
            connected += s.connected();
            sent += s.sent();
            acked += s.acked();
            rejected += s.rejected();
            resent += s.resent() + s.duplicateSends();
            latency.add(s.ackLatency());
        }
        double rate = (acked - lastAcked) / ((now - lastNanos) / 1e9);
        lastAcked = acked;
        lastNanos = now;
        Histogram recent = latency.copy();
        recent.subtract(lastLatency);
        lastLatency = latency;
        return String.format(Locale.ROOT, "[%4.0fs] connected %d/%d  sent %,d  acked %,d  rejected %,d  resent %,d"
                        + "  %,.0f acks/s  ack p50 %.1f ms p99 %.1f ms",
                (now - startNanos) / 1e9, connected, devices, sent, acked, rejected, resent, rate,
                millis(recent, 50), millis(recent, 99));
    }

    private static double millis(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }
}
