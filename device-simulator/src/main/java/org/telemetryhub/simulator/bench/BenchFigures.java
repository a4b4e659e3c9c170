package org.telemetryhub.simulator.bench;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/** How the benchmarks' summaries write their figures: one aligned line each, latencies in ms to two places. */
final class BenchFigures {

    private BenchFigures() {}

    static void line(StringBuilder text, String name, String value) {
        text.append(String.format(Locale.ROOT, "  %-19s %s%n", name, value));
    }

    /** A percentile of a histogram of microseconds, in milliseconds; 0 for an empty histogram. */
    static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : round(h.getValueAtPercentile(percentile) / 1000.0);
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
