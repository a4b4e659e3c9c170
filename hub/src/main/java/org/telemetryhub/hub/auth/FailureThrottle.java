package org.telemetryhub.hub.auth;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed attempts per key over the last minute. Once a key has {@code limit} failures in the window it is
 * throttled until the oldest failure leaves it: the (limit+1)-th failure is the first one answered as throttled.
 * Only failures count, and a throttled key records no more of them, so a key costs at most {@code limit} entries.
 */
public final class FailureThrottle {

    private static final long WINDOW_MS = 60_000;
    private final int limit;
    private final Clock clock;
    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    public FailureThrottle(int limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
    }

    /** Milliseconds until this key is no longer throttled; 0 when it is not. */
    public long retryAfterMs(String key) {
        Deque<Long> times = failures.get(key);
        if (times == null) {
            return 0;
        }
        synchronized (times) {
            long now = clock.millis();
            prune(times, now);
            return times.size() < limit ? 0 : Math.max(1, times.peekFirst() + WINDOW_MS - now);
        }
    }

    /** Records a failure; 0 when the key was not throttled before it, else how long it stays throttled. */
    public long fail(String key) {
        long now = clock.millis();
        long[] wait = {0};
        failures.compute(key, (k, times) -> {
            Deque<Long> kept = times == null ? new ArrayDeque<>() : times;
            synchronized (kept) {
                prune(kept, now);
                if (kept.size() < limit) {
                    kept.addLast(now);
                } else {
                    wait[0] = Math.max(1, kept.peekFirst() + WINDOW_MS - now);
                }
            }
            return kept;
        });
        return wait[0];
    }

    /** Drops keys whose failures all left the window, so the map stays small. */
    public void sweep() {
        long now = clock.millis();
        for (String key : failures.keySet()) {
            failures.computeIfPresent(key, (k, times) -> {
                synchronized (times) {
                    prune(times, now);
                    return times.isEmpty() ? null : times;
                }
            });
        }
    }

    private static void prune(Deque<Long> times, long now) {
        while (!times.isEmpty() && times.peekFirst() <= now - WINDOW_MS) {
            times.removeFirst();
        }
    }
}
