package org.telemetryhub.protocol;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One sensor reading as a device numbers and sends it: its own {@code seq}, its clock's {@code ts} (epoch ms) and
 * named finite values. The metrics are kept sorted by name, so two readings with the same content are equal.
 */
public record Reading(long seq, long ts, Map<String, Double> metrics) {

    public Reading {
        Objects.requireNonNull(metrics, "metrics");
        metrics = java.util.Collections.unmodifiableMap(new TreeMap<>(metrics));
    }

    /** The same content as {@code other}: what decides between a resend and a {@code seq_conflict}. */
    public boolean sameContentAs(Reading other) {
        return ts == other.ts && metrics.equals(other.metrics);
    }
}
