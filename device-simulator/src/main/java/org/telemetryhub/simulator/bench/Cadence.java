package org.telemetryhub.simulator.bench;

import java.util.concurrent.TimeUnit;

/**
 * When one device's readings are due: every {@code interval}, each shifted by up to ±{@code jitter}. The shifts do
 * not add up (reading k stays within jitter of its slot on the device's grid), so a long run keeps the offered rate,
 * and a jitter of at most half the interval keeps the readings in order. The first reading falls anywhere in the
 * first interval after the device connects, so a fleet that connects in a burst still sends evenly spread.
 */
final class Cadence {

    private final long intervalNanos;
    private final long jitterNanos;

    Cadence(long intervalMs, long jitterMs) {
        if (intervalMs < 1) {
            throw new IllegalArgumentException("interval must be >= 1 ms, but was " + intervalMs);
        }
        if (jitterMs < 0 || 2 * jitterMs > intervalMs) {
            throw new IllegalArgumentException("jitter must be 0 … interval/2 (" + intervalMs / 2 + " ms), but was "
                    + jitterMs);
        }
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        this.jitterNanos = TimeUnit.MILLISECONDS.toNanos(jitterMs);
    }

    /** The first reading's due time for a device that connected at {@code connectedNanos}; {@code u} in [0, 1). */
    long first(long connectedNanos, double u) {
        return connectedNanos + (long) (u * intervalNanos);
    }

    /**
     * Reading {@code k}'s due time (k = 0 is the first, due at {@code firstNanos}); {@code u} in [0, 1) picks the
     * shift, from -jitter to almost +jitter.
     */
    long due(long firstNanos, long k, double u) {
        if (k == 0) {
            return firstNanos;
        }
        return firstNanos + k * intervalNanos + (long) ((2 * u - 1) * jitterNanos);
    }

    /** Readings per second that {@code devices} devices offer together. */
    double offeredPerSecond(int devices) {
        return devices * 1e9 / intervalNanos;
    }
}
