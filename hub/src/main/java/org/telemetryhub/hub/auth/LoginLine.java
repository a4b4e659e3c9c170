package org.telemetryhub.hub.auth;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The turns login attempts take, so that neither concurrency nor many clients raise the guessing rate, and nobody's
 * failures lock anyone out:
 * <ul>
 *   <li>attempts for one username are checked one after another, spaced by a delay that doubles with the username's
 *       recent failures (by default 250 ms after one, then 500 ms, 1 s, and at most {@value #MAX_DELAY_MS} ms);</li>
 *   <li>an address has at most one attempt waiting per username: another one meanwhile is refused at once;</li>
 *   <li>an address over its failure limit has at most one attempt waiting at all, and it waits the longest delay.</li>
 * </ul>
 * A right password is never refused for failures: it waits its turn, then succeeds. Failures are forgotten a minute
 * after the last one, and a success forgets them at once.
 */
final class LoginLine {

    static final long MAX_DELAY_MS = 2_000;
    private static final long FORGET_NANOS = 60_000_000_000L;

    sealed interface Admission {}

    /** Refused at once: an attempt of the same client is still waiting. */
    record Busy(long retryAfterMs, String reason) implements Admission {}

    /** The attempt's turn: check it after {@code delayMs}, then {@link #finish} it. */
    record Turn(String username, String address, long delayMs) implements Admission {}

    private static final class Line {
        final Set<String> waiting = new HashSet<>();
        int failures;
        long lastFailureNanos;
        long nextNanos = System.nanoTime();
    }

    private final FailureThrottle byAddress;
    private final long firstDelayMs;
    private final Map<String, Line> lines = new HashMap<>();
    private final Map<String, Integer> waitingByAddress = new HashMap<>();

    LoginLine(FailureThrottle byAddress, long firstDelayMs) {
        this.byAddress = byAddress;
        this.firstDelayMs = firstDelayMs;
    }

    synchronized Admission admit(String username, String address) {
        boolean failing = byAddress.retryAfterMs(address) > 0;
        if (failing && waitingByAddress.containsKey(address)) {
            return new Busy(MAX_DELAY_MS, "too many failed logins from this address: it gets one login at a time");
        }
        long now = System.nanoTime();
        Line line = lines.computeIfAbsent(username, u -> new Line());
        if (line.failures > 0 && now - line.lastFailureNanos > FORGET_NANOS) {
            line.failures = 0;
        }
        if (line.waiting.contains(address)) {
            return new Busy(Math.max(1, (line.nextNanos - now) / 1_000_000), "another login for " + username
                    + " from this address is waiting its turn");
        }
        long at = Math.max(now, line.nextNanos);
        if (failing) {
            at = Math.max(at, now + MAX_DELAY_MS * 1_000_000);
        }
        line.nextNanos = at + delayMs(line.failures) * 1_000_000;
        line.waiting.add(address);
        waitingByAddress.merge(address, 1, Integer::sum);
        return new Turn(username, address, (at - now) / 1_000_000);
    }

    /** Ends a turn: a failure counts against the username and the address and lengthens the next wait. */
    synchronized void finish(Turn turn, boolean succeeded) {
        Line line = release(turn);
        if (succeeded) {
            line.failures = 0;
        } else {
            byAddress.fail(turn.address());
            long now = System.nanoTime();
            line.failures++;
            line.lastFailureNanos = now;
            line.nextNanos = Math.max(line.nextNanos, now + delayMs(line.failures) * 1_000_000);
        }
        if (line.waiting.isEmpty() && line.failures == 0) {
            lines.remove(turn.username());
        }
    }

    /** Ends a turn that could not be checked (the store failed): it counts neither way. */
    synchronized void abandon(Turn turn) {
        release(turn);
    }

    private Line release(Turn turn) {
        waitingByAddress.computeIfPresent(turn.address(), (a, n) -> n == 1 ? null : n - 1);
        Line line = lines.get(turn.username());
        line.waiting.remove(turn.address());
        return line;
    }

    /** Forgets usernames whose failures are a minute old and that nobody is waiting for. */
    synchronized void sweep() {
        long now = System.nanoTime();
        lines.values().removeIf(line -> line.waiting.isEmpty() && now - line.lastFailureNanos > FORGET_NANOS);
        byAddress.sweep();
    }

    private long delayMs(int failures) {
        return failures == 0 ? 0 : Math.min(MAX_DELAY_MS, firstDelayMs << Math.min(failures - 1, 16));
    }
}
