package org.telemetryhub.hub.auth;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many tickets one device may get on this node: a token bucket per device (a burst, then a steady rate). Only a
 * request with the device's right secret spends it, so nobody without the secret can use up a device's tickets.
 */
final class IssueRate {

    private final int burst;
    private final int perSecond;
    private final Map<Long, Bucket> buckets = new ConcurrentHashMap<>();

    IssueRate(int burst, int perSecond) {
        this.burst = burst;
        this.perSecond = perSecond;
    }

    /** Takes one ticket from the device's bucket; 0 when it had one, else the milliseconds until it has. */
    long take(long deviceKey) {
        Bucket bucket = buckets.computeIfAbsent(deviceKey, k -> Bucket.builder()
                .addLimit(limit -> limit.capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : Math.max(1, (probe.getNanosToWaitForRefill() + 999_999) / 1_000_000);
    }

    /** Forgets devices whose bucket is full again, so the map holds only devices that got tickets lately. */
    void sweep() {
        buckets.values().removeIf(bucket -> bucket.getAvailableTokens() >= burst);
    }
}
