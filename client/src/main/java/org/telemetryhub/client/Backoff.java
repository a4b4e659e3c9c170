package org.telemetryhub.client;

import java.util.Random;

/**
 * Exponential backoff with jitter between reconnect attempts: the n-th failure in a row waits a random time between
 * half and all of {@code min(capMs, baseMs * 2^n)}, so a fleet that lost its hub does not come back in one wave.
 */
public record Backoff(long baseMs, long capMs) {

    public Backoff {
        if (baseMs < 1 || capMs < baseMs) {
            throw new IllegalArgumentException("backoff must have 1 <= baseMs <= capMs, but was " + baseMs + ", "
                    + capMs);
        }
    }

    /** The wait before the next attempt after {@code failures} failures in a row (0 = the first retry). */
    public long delayMs(int failures, Random random) {
        long ceiling = failures >= 30 ? capMs : Math.min(capMs, baseMs << failures);
        long half = ceiling / 2;
        return half + (long) (random.nextDouble() * (ceiling - half + 1));
    }
}
