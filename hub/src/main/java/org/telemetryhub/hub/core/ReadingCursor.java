package org.telemetryhub.hub.core;

import java.util.Optional;

/**
 * Where a device's readings stand: its highest offset, highest seq, how many are stored, and when it last wrote.
 * The device list shows it; a store that acks before its tables hold a reading keeps the newest one in memory.
 */
public record ReadingCursor(long lastOffset, long maxSeq, long storedCount, Long lastSeenAt) {

    /** The cursors a store knows ahead of its tables; empty where the tables are the truth. */
    @FunctionalInterface
    public interface Live {
        Live NONE = deviceKey -> Optional.empty();

        Optional<ReadingCursor> cursor(long deviceKey);
    }
}
