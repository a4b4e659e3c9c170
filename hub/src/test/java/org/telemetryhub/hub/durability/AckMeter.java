package org.telemetryhub.hub.durability;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * When ack messages arrived, across every device: tells how many arrived in a trailing window, so a kill can be timed
 * for a moment when acks are flowing. One ack message counts once, whatever number of readings it covers; the readings
 * it covered are counted apart.
 */
final class AckMeter {

    private static final long KEEP_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** Ack messages and the readings they acked, arrived within a window. */
    record Window(int acks, int readings) {}

    private record Arrival(long nanos, int readings) {}

    private final Deque<Arrival> arrivals = new ArrayDeque<>();

    synchronized void record(long nanos, int readings) {
        arrivals.addLast(new Arrival(nanos, readings));
        while (!arrivals.isEmpty() && arrivals.peekFirst().nanos() < nanos - KEEP_NANOS) {
            arrivals.removeFirst();
        }
    }

    /** What arrived within {@code windowMs} before {@code nanos} (a {@link System#nanoTime()} reading). */
    synchronized Window before(long nanos, long windowMs) {
        long from = nanos - TimeUnit.MILLISECONDS.toNanos(windowMs);
        int acks = 0;
        int readings = 0;
        for (var it = arrivals.descendingIterator(); it.hasNext(); ) {
            Arrival arrival = it.next();
            if (arrival.nanos() < from) {
                break;
            }
            if (arrival.nanos() <= nanos) {
                acks++;
                readings += arrival.readings();
            }
        }
        return new Window(acks, readings);
    }
}
