package org.telemetryhub.simulator.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.telemetryhub.simulator.faults.InvalidReading;
import org.telemetryhub.simulator.profile.SensorProfile;

/**
 * What a device measures and how it numbers it: readings on a fixed schedule from the fleet's start (each device at
 * its own phase within a period), seqs one up per reading from where the hub's first ticket left off, timestamps from
 * the device's own clock (skewed when asked, and strictly increasing), a share made invalid on purpose, and, when
 * asked, a spike of temperature about once every {@value #SPIKE_EVERY_S} seconds (each device at its own moment).
 */
final class Sensor {

    static final int SPIKE_EVERY_S = 30;

    private final SensorProfile profile;
    private final Random random;
    private final long clockOffsetMs;
    private double ratePerSecond;
    private final double invalidShare;
    private final Double spike;
    private final long spikeEvery;
    private final long spikeAt;
    private long firstSeq;
    private long nextSeq;
    private long lastTs;
    private long made;
    private long startNanos;
    private double phase;

    /** {@code spike}: the temperature of a spike, or null for none. */
    Sensor(Random random, long clockSkewMs, double ratePerSecond, double invalidShare, Double spike) {
        this.random = random;
        this.profile = SensorProfile.draw(random);
        this.clockOffsetMs = clockSkewMs == 0 ? 0 : (long) ((random.nextDouble() * 2 - 1) * clockSkewMs);
        this.ratePerSecond = ratePerSecond;
        this.invalidShare = invalidShare;
        this.spike = spike;
        this.spikeEvery = Math.max(2, Math.round(ratePerSecond * SPIKE_EVERY_S));
        this.spikeAt = (long) (random.nextDouble() * spikeEvery);
    }

    /** Continues after {@code lastSeq}, the highest seq the hub has stored; only the first ticket counts. */
    void numberFrom(long lastSeq) {
        if (nextSeq == 0) {
            firstSeq = lastSeq + 1;
            nextSeq = firstSeq;
        }
    }

    boolean numbered() {
        return nextSeq > 0;
    }

    long firstSeq() {
        return firstSeq;
    }

    long made() {
        return made;
    }

    void start(long startNanos) {
        this.startNanos = startNanos;
        this.phase = -random.nextDouble();
    }

    /** From {@code now} on, one reading every {@code intervalMs}; what was made so far stays made. */
    void interval(long intervalMs, long now) {
        ratePerSecond = 1000.0 / intervalMs;
        startNanos = now;
        phase = made - 1;
    }

    long intervalMs() {
        return Math.round(1000 / ratePerSecond);
    }

    /** The readings due by {@code now} on the schedule and not made yet. */
    List<DeviceReading> due(long now) {
        double due = (now - startNanos) / 1e9 * ratePerSecond + phase;
        long target = (long) Math.floor(due) + 1;
        List<DeviceReading> readings = new ArrayList<>();
        while (made < target) {
            readings.add(next());
        }
        return readings;
    }

    /** {@code size} readings at once, besides the schedule (which goes on as before). */
    List<DeviceReading> burst(int size) {
        List<DeviceReading> readings = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            readings.add(next());
        }
        phase += size;
        return readings;
    }

    private DeviceReading next() {
        long deviceTime = Math.max(System.currentTimeMillis() + clockOffsetMs, lastTs + 1);
        lastTs = deviceTime;
        long seq = nextSeq++;
        Map<String, Double> metrics = profile.metrics(deviceTime, made, random);
        if (spike != null && made % spikeEvery == spikeAt) {
            metrics.put("temperature", spike);
        }
        made++;
        if (random.nextDouble() < invalidShare) {
            InvalidReading kind = InvalidReading.draw(random);
            return DeviceReading.of(seq, kind.ts(deviceTime), kind.metrics(metrics), kind.expectedError());
        }
        return DeviceReading.of(seq, deviceTime, metrics, null);
    }
}
