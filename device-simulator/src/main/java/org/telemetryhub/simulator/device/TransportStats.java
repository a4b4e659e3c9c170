package org.telemetryhub.simulator.device;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Live counters of the devices on one transport, fed from every device thread at once. */
public final class TransportStats {

    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final String transport;
    private final AtomicInteger devices = new AtomicInteger();
    private final AtomicInteger connected = new AtomicInteger();
    private final LongAdder made = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder resent = new LongAdder();
    private final LongAdder duplicateSends = new LongAdder();
    private final LongAdder outOfOrder = new LongAdder();
    private final LongAdder frames = new LongAdder();
    private final LongAdder acked = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder connects = new LongAdder();
    private final Map<String, LongAdder> linkDowns = new ConcurrentHashMap<>();
    private final Histogram ackLatency = new ConcurrentHistogram(HIGHEST_MICROS, 2);

    public TransportStats(String transport) {
        this.transport = transport;
    }

    public String transport() {
        return transport;
    }

    void deviceAdded() {
        devices.incrementAndGet();
    }

    void connected() {
        connected.incrementAndGet();
        connects.increment();
    }

    void disconnected(String why) {
        connected.decrementAndGet();
        linkDowns.computeIfAbsent(reason(why), k -> new LongAdder()).increment();
    }

    /** The device closed its link for good at the end of the run. */
    void closed() {
        connected.decrementAndGet();
    }

    void made() {
        made.increment();
    }

    /** A reading was held back to go after the next one. */
    void heldBack() {
        outOfOrder.increment();
    }

    void frameSent(int readings, int firstSends, boolean duplicate) {
        frames.increment();
        if (duplicate) {
            duplicateSends.add(readings);
        } else {
            sent.add(firstSends);
            resent.add(readings - firstSends);
        }
    }

    void answered(long latencyNanos) {
        ackLatency.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, latencyNanos / 1_000)));
    }

    void acked() {
        acked.increment();
    }

    void rejected() {
        rejected.increment();
    }

    void refused() {
        refused.increment();
    }

    /** A point-in-time copy of every counter. */
    public Snapshot snapshot() {
        Map<String, Long> downs = new TreeMap<>();
        linkDowns.forEach((k, v) -> downs.put(k, v.sum()));
        return new Snapshot(transport, devices.get(), connected.get(), made.sum(), sent.sum(), resent.sum(),
                duplicateSends.sum(), outOfOrder.sum(), frames.sum(), acked.sum(), rejected.sum(), refused.sum(), connects.sum(), downs,
                ackLatency.copy());
    }

    /** Counters at one moment; latencies in microseconds. */
    public record Snapshot(String transport, int devices, int connected, long made, long sent, long resent,
                           long duplicateSends, long outOfOrder, long frames, long acked, long rejected, long refused, long connects,
                           Map<String, Long> linkDowns, Histogram ackLatency) {

        public double ackMillis(double percentile) {
            return ackLatency.getTotalCount() == 0 ? 0 : ackLatency.getValueAtPercentile(percentile) / 1000.0;
        }

        public long reconnects() {
            return linkDowns.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Link-down reasons grouped by their kind, without the details that differ per device. */
    private static String reason(String why) {
        int colon = why.indexOf(':');
        return colon < 0 ? why : why.substring(0, colon);
    }
}
