package org.telemetryhub.hub.core;

import java.util.Optional;

/**
 * Where a device's readings stand: its highest offset, highest seq, how many are stored, how many seqs at or below
 * the highest were refused for their content and never stored ({@code rejected}), the highest seq ever refused so
 * ({@code rejectedMax}), and when it last wrote. The device list shows it; a store that acks before its tables hold
 * a reading keeps the newest one in memory.
 */
public record ReadingCursor(long lastOffset, long maxSeq, long storedCount, long rejected, long rejectedMax,
                            Long lastSeenAt) {

    /** Seqs below the highest stored one that were neither stored nor refused for their content: lost. */
    public long holes() {
        return maxSeq - storedCount - rejected;
    }

    /** The cursors a store knows ahead of its tables; empty where the tables are the truth. */
    @FunctionalInterface
    public interface Live {
        Live NONE = deviceKey -> Optional.empty();

        Optional<ReadingCursor> cursor(long deviceKey);
    }
}
