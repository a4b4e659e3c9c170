package org.telemetryhub.simulator.device;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one device made and what became of each reading, for the checker: every reading by seq, the seqs the hub
 * acked and the codes it rejected seqs with. A device writes it under its own lock; the checker reads copies after
 * the run.
 */
public final class Ledger {

    private final NavigableMap<Long, DeviceReading> made = new TreeMap<>();
    private final Set<Long> acked = new HashSet<>();
    private final Map<Long, String> rejected = new HashMap<>();

    synchronized void made(DeviceReading reading) {
        made.put(reading.seq(), reading);
    }

    synchronized void acked(long seq) {
        acked.add(seq);
    }

    synchronized void rejected(long seq, String error) {
        rejected.put(seq, error);
    }

    public synchronized NavigableMap<Long, DeviceReading> made() {
        return new TreeMap<>(made);
    }

    public synchronized Set<Long> acked() {
        return new HashSet<>(acked);
    }

    public synchronized Map<Long, String> rejected() {
        return new HashMap<>(rejected);
    }
}
