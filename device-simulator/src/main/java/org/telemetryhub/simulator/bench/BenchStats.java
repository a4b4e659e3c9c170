package org.telemetryhub.simulator.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What the benchmark counts, from every socket thread at once. The measured window is [start, end) in
 * {@code System.nanoTime}: durable throughput counts acks that arrive inside it; the latency histogram holds the
 * frames sent inside it (their acks may arrive during the drain that follows).
 */
final class BenchStats {

    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;

    private final Histogram latency = new ConcurrentHistogram(HIGHEST_MICROS, 3);
    private final LongAdder sentReadings = new LongAdder();
    private final LongAdder sentFrames = new LongAdder();
    private final LongAdder ackedReadings = new LongAdder();
    private final LongAdder ackedFrames = new LongAdder();
    private final LongAdder windowSentReadings = new LongAdder();
    private final LongAdder windowAckedReadings = new LongAdder();
    private final LongAdder windowAckedFrames = new LongAdder();
    private final LongAdder skippedFrames = new LongAdder();
    private final LongAdder unexpectedAcks = new LongAdder();
    private final AtomicLong inFlightFrames = new AtomicLong();
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> closes = new ConcurrentHashMap<>();

    void openWindow(long start, long end) {
        windowStart = start;
        windowEnd = end;
    }

    private boolean inWindow(long nanos) {
        return nanos >= windowStart && nanos < windowEnd;
    }

    void sent(int readings, long sentNanos) {
        sentFrames.increment();
        sentReadings.add(readings);
        inFlightFrames.incrementAndGet();
        if (inWindow(sentNanos)) {
            windowSentReadings.add(readings);
        }
    }

    /** A frame's ack arrived: {@code readings} of it are durably stored. */
    void acked(int readings, long sentNanos, long now) {
        inFlightFrames.decrementAndGet();
        ackedFrames.increment();
        ackedReadings.add(readings);
        if (inWindow(now)) {
            windowAckedReadings.add(readings);
            windowAckedFrames.increment();
        }
        if (inWindow(sentNanos)) {
            latency.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, (now - sentNanos) / 1_000)));
        }
    }

    /** A frame ended without an ack (every reading rejected, or the whole frame refused). */
    void endedWithoutAck() {
        inFlightFrames.decrementAndGet();
    }

    void skipped() {
        skippedFrames.increment();
    }

    void unexpectedAck() {
        unexpectedAcks.increment();
    }

    void rejected(String code) {
        rejected.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    void error(String code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    void closed(String why) {
        closes.computeIfAbsent(why, c -> new LongAdder()).increment();
    }

    long inFlightFrames() {
        return inFlightFrames.get();
    }

    long sentReadings() {
        return sentReadings.sum();
    }

    long sentFrames() {
        return sentFrames.sum();
    }

    long ackedReadings() {
        return ackedReadings.sum();
    }

    long ackedFrames() {
        return ackedFrames.sum();
    }

    long windowSentReadings() {
        return windowSentReadings.sum();
    }

    long windowAckedReadings() {
        return windowAckedReadings.sum();
    }

    long windowAckedFrames() {
        return windowAckedFrames.sum();
    }

    long skippedFrames() {
        return skippedFrames.sum();
    }

    long unexpectedAcks() {
        return unexpectedAcks.sum();
    }

    long closedSockets() {
        return closes.values().stream().mapToLong(LongAdder::sum).sum();
    }

    Histogram latencyMicros() {
        return latency.copy();
    }

    Map<String, Long> rejected() {
        return snapshot(rejected);
    }

    Map<String, Long> errors() {
        return snapshot(errors);
    }

    Map<String, Long> closes() {
        return snapshot(closes);
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
        Map<String, Long> copy = new TreeMap<>();
        counters.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }
}
