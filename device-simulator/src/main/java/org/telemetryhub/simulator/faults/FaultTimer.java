package org.telemetryhub.simulator.faults;

import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

/**
 * When one device's periodic faults come due: each first at a random moment within its period (so a fleet's drops
 * do not all fall at once), then once per period.
 */
public final class FaultTimer {

    /** The periodic faults. */
    public enum Fault { BURST, DROP, CUT }

    private final Faults faults;
    private long nextBurst;
    private long nextDrop;
    private long nextCut;

    public FaultTimer(Faults faults, Random random, long startNanos) {
        this.faults = faults;
        this.nextBurst = first(startNanos, faults.burstEverySeconds(), random);
        this.nextDrop = first(startNanos, faults.dropEverySeconds(), random);
        this.nextCut = first(startNanos, faults.cutEverySeconds(), random);
    }

    private static long first(long startNanos, double seconds, Random random) {
        return seconds <= 0 ? Long.MAX_VALUE : startNanos + (long) (random.nextDouble() * seconds * 1e9) + 1;
    }

    /** The faults due by {@code now}; each then moves on by its period. */
    public Set<Fault> due(long now) {
        Set<Fault> due = EnumSet.noneOf(Fault.class);
        if (now >= nextBurst) {
            nextBurst += (long) (faults.burstEverySeconds() * 1e9);
            due.add(Fault.BURST);
        }
        if (now >= nextDrop) {
            nextDrop += (long) (faults.dropEverySeconds() * 1e9);
            due.add(Fault.DROP);
        }
        if (now >= nextCut) {
            nextCut += (long) (faults.cutEverySeconds() * 1e9);
            due.add(Fault.CUT);
        }
        return due;
    }
}
