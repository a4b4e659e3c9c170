package org.telemetryhub.hub.ingest;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.telemetryhub.hub.config.HubConfig;

/**
 * A device's reading rate: a token bucket per device (rate per second, with a burst), where a frame passes whole or
 * not at all. A device that resends refused readings before its {@code retryAfterMs} has passed resends early (other
 * frames it had in flight when it was refused do not count); the third early
 * resend within 10 s asks the transport to close it.
 */
public final class RateGate {

    private static final long EARLY_WINDOW_MS = 10_000;
    private static final int EARLY_LIMIT = 3;
    private static final Admission ADMITTED = new Admission.Admitted();

    public sealed interface Admission {
        record Admitted() implements Admission {}

        record Limited(long retryAfterMs, boolean close) implements Admission {}
    }

    private static final class DeviceRate {
        final Bucket bucket;
        long notBefore;
        java.util.Set<Long> refused = java.util.Set.of();
        final Deque<Long> early = new ArrayDeque<>();

        DeviceRate(Bucket bucket) {
            this.bucket = bucket;
        }
    }

    private final HubConfig.Limits limits;
    private final Clock clock;
    private final TimeMeter meter;
    private final Map<Long, DeviceRate> devices = new ConcurrentHashMap<>();

    public RateGate(HubConfig.Limits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
        this.meter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return clock.millis() * 1_000_000;
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    public Admission admit(long deviceKey, java.util.List<Long> seqs) {
        int readings = seqs.size();
        DeviceRate rate = devices.computeIfAbsent(deviceKey, k -> new DeviceRate(Bucket.builder()
                .addLimit(b -> b.capacity(limits.deviceBurst())
                        .refillGreedy(limits.deviceReadingsPerSecond(), Duration.ofSeconds(1)))
                .withCustomTimePrecision(meter)
                // in place under a lock: the default (lock-free) copies the bucket's state at each reading, and
                // with thousands of devices each copy lived until the device's next reading, long enough to be
                // promoted to the old generation
                .withSynchronizationStrategy(SynchronizationStrategy.SYNCHRONIZED)
                .build()));
        ConsumptionProbe probe = rate.bucket.tryConsumeAndReturnRemaining(readings);
        if (probe.isConsumed()) {
            return ADMITTED;
        }
        long now = clock.millis();
        long retryAfterMs = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999) / 1_000_000);
        synchronized (rate) {
            boolean close = false;
            if (now < rate.notBefore && seqs.stream().anyMatch(rate.refused::contains)) {
                while (!rate.early.isEmpty() && rate.early.peekFirst() <= now - EARLY_WINDOW_MS) {
                    rate.early.removeFirst();
                }
                rate.early.addLast(now);
                close = rate.early.size() >= EARLY_LIMIT;
            }
            rate.notBefore = now + retryAfterMs;
            rate.refused = java.util.Set.copyOf(seqs);
            return new Admission.Limited(retryAfterMs, close);
        }
    }

    public void forget(long deviceKey) {
        devices.remove(deviceKey);
    }
}
