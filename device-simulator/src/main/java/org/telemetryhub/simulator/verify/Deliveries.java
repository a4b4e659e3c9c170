package org.telemetryhub.simulator.verify;

import java.util.HashSet;
import java.util.Set;

/**
 * What one observer (a dashboard or an SSE stream) was handed for one device: the offsets and seqs delivered, how
 * many deliveries repeated a seq already delivered, and the offset to resume after when it reconnects.
 */
final class Deliveries {

    private final Set<Long> offsets = new HashSet<>();
    private final Set<Long> seqs = new HashSet<>();
    private long duplicates;
    private long lastOffset;

    synchronized void delivered(long offset, long seq) {
        offsets.add(offset);
        if (!seqs.add(seq)) {
            duplicates++;
        }
        lastOffset = Math.max(lastOffset, offset);
    }

    synchronized long lastOffset() {
        return lastOffset;
    }

    synchronized long duplicates() {
        return duplicates;
    }

    /** How many of {@code expected} offsets were never delivered. */
    synchronized long missing(Set<Long> expected) {
        return expected.stream().filter(offset -> !offsets.contains(offset)).count();
    }
}
