package org.telemetryhub.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.telemetryhub.hub.core.StoreException;

/**
 * Moves log entries into the query tables: a device's readings of the batch, in offset order, go in as one block
 * (see {@link BlockTables}), so its pages are written once per batch rather than a row and an index entry per reading.
 * The blocks commit a few thousand readings at a time, each with its devices' cursor rows; the last transaction also
 * takes the rejections and rejected-set changes and moves the log checkpoint. A batch is in the tables exactly once
 * whatever the moment of a crash: what the log replays past the checkpoint skips the readings a device's cursor row
 * says its blocks hold already.
 */
final class TableFlush {

    private static final String SQL_ADVANCE = "UPDATE device_cursors SET last_offset = GREATEST(last_offset, ?), "
            + "max_seq = GREATEST(max_seq, ?), stored_count = stored_count + ?, "
            + "last_seen_at = GREATEST(COALESCE(last_seen_at, 0), ?) WHERE device_key = ?";
    private static final String SQL_REJECTED_COUNT =
            "UPDATE device_cursors SET rejected_count = ?, rejected_max = ? WHERE device_key = ?";
    private static final String SQL_STORED_THROUGH = "SELECT last_offset FROM device_cursors WHERE device_key = ?";
    private static final String SQL_CHECKPOINT = "UPDATE log_checkpoint SET position = ? WHERE id = 1";
    private static final String SQL_READ_CHECKPOINT = "SELECT position FROM log_checkpoint WHERE id = 1";

    /**
     * Blocks go to the database this many devices at a time: a statement batch holds a copy of every block until it
     * runs, and a flush's whole batch lived long enough for young collections to promote it.
     */
    private static final int DEVICES_PER_STATEMENT_BATCH = 64;
    /**
     * Readings a transaction of a flush takes before it commits (at a device's end). A transaction keeps its blocks,
     * H2's pages and its undo log in memory until it commits: one transaction for a whole flush (50,000 readings of
     * 1,000 devices) kept 15-17 MB alive across the young collections it spanned, three times the survivor spaces,
     * so the old generation took it and filled with it, a full collection every 5-15 s.
     */
    static final int READINGS_PER_COMMIT = 2_000;

    /** What a flush tells its caller as it goes. */
    interface Progress {
        Progress NONE = new Progress() {
            @Override
            public void committing() {}

            @Override
            public void committed(Map<Long, Long> through) {}
        };

        /** Just before each of the flush's transactions commits. */
        void committing();

        /**
         * After a transaction other than the last committed the readings of these devices, each through the offset
         * given: the flush may pause here.
         */
        void committed(Map<Long, Long> through);
    }

    private final Database database;
    private final int readingsPerCommit;

    TableFlush(Database database) {
        this(database, READINGS_PER_COMMIT);
    }

    TableFlush(Database database, int readingsPerCommit) {
        this.database = database;
        this.readingsPerCommit = readingsPerCommit;
    }

    /** How far into the log the tables are. */
    long checkpoint() {
        try (Connection connection = database.connection();
             PreparedStatement query = connection.prepareStatement(SQL_READ_CHECKPOINT);
             ResultSet rs = query.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new StoreException("read the log checkpoint", e);
        }
    }

    /** The per-device sums a batch moves a cursor row by. */
    private static final class Advance {
        long lastOffset;
        long maxSeq;
        long stored;
        long lastSeenAt;

        static Advance of(List<LogEntry.Stored> readings) {
            Advance advance = new Advance();
            for (LogEntry.Stored s : readings) {
                advance.lastOffset = Math.max(advance.lastOffset, s.offset());
                advance.maxSeq = Math.max(advance.maxSeq, s.seq());
                advance.stored++;
                advance.lastSeenAt = Math.max(advance.lastSeenAt, s.storedAt());
            }
            return advance;
        }
    }

    /**
     * What one flush moves: each device's readings, handed out one device at a time so that only one device's are
     * unpacked at once, and the rejections and rejected-set changes in log order.
     */
    interface Batch {
        /** The devices with readings to move. */
        Collection<Long> devices();

        /** A device's readings to move, in offset order. */
        List<LogEntry.Stored> readings(long deviceKey);

        /** The entries other than readings, in log order. */
        List<LogEntry> others();

        /**
         * True when the tables may hold some of these readings already: the log's replay at start, after a flush
         * that committed part of its blocks.
         */
        default boolean replayed() {
            return false;
        }

        /** A batch of entries in log order, as the log's replay finds them. */
        static Batch of(List<LogEntry> entries) {
            Map<Long, List<LogEntry.Stored>> readings = new HashMap<>();
            List<LogEntry> others = new ArrayList<>();
            for (LogEntry entry : entries) {
                if (entry instanceof LogEntry.Stored s) {
                    readings.computeIfAbsent(s.deviceKey(), k -> new ArrayList<>()).add(s);
                } else {
                    others.add(entry);
                }
            }
            readings.values().forEach(run -> run.sort(Comparator.comparingLong(LogEntry.Stored::offset)));
            return new Batch() {
                @Override
                public Collection<Long> devices() {
                    return readings.keySet();
                }

                @Override
                public List<LogEntry.Stored> readings(long deviceKey) {
                    return readings.getOrDefault(deviceKey, List.of());
                }

                @Override
                public List<LogEntry> others() {
                    return others;
                }

                @Override
                public boolean replayed() {
                    return true;
                }
            };
        }
    }

    /**
     * Writes the batch and moves the checkpoint to {@code position}. The readings commit in parts, the rest with the
     * checkpoint: a failure leaves the committed parts in the tables and everything else in the log.
     */
    void write(Batch batch, long position, Progress progress) {
        List<LogEntry.Rejected> rejections = new ArrayList<>();
        List<LogEntry.RejectedSet> rejectedSets = new ArrayList<>();
        Map<Long, Advance> seen = new TreeMap<>();
        for (LogEntry entry : batch.others()) {
            if (entry instanceof LogEntry.Rejected r) {
                rejections.add(r);
                Advance advance = seen.computeIfAbsent(entry.deviceKey(), k -> new Advance());
                advance.lastSeenAt = Math.max(advance.lastSeenAt, r.rejection().at());
            } else if (entry instanceof LogEntry.RejectedSet r) {
                rejectedSets.add(r);
            }
        }
        try (Connection connection = database.connection()) {
            connection.setAutoCommit(false);
            try {
                insertReadings(connection, batch, progress);
                insertRejections(connection, rejections);
                advance(connection, seen);
                changeRejectedSets(connection, rejectedSets);
                Jdbc.update(connection, SQL_CHECKPOINT, position);
                progress.committing();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("move the reading log into the tables", e);
        }
    }

    /**
     * One block per device (split at {@link BlockTables#BLOCK_READINGS}), in device order, with each device's cursor
     * row moved; commits every {@link #readingsPerCommit} readings but leaves the last part to the caller's commit.
     */
    private void insertReadings(Connection connection, Batch batch, Progress progress) throws SQLException {
        if (batch.devices().isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(BlockTables.SQL_INSERT)) {
            Map<Long, Advance> advances = new TreeMap<>();
            int batched = 0;
            int held = 0;
            for (long deviceKey : new TreeSet<>(batch.devices())) {
                List<LogEntry.Stored> readings = batch.readings(deviceKey);
                if (batch.replayed()) {
                    readings = unstored(connection, deviceKey, readings);
                }
                if (readings.isEmpty()) {
                    continue;
                }
                BlockTables.addBlocks(insert, deviceKey, readings);
                advances.put(deviceKey, Advance.of(readings));
                held += readings.size();
                if (++batched % DEVICES_PER_STATEMENT_BATCH == 0 || held >= readingsPerCommit) {
                    insert.executeBatch();
                }
                if (held >= readingsPerCommit) {
                    advance(connection, advances);
                    progress.committing();
                    connection.commit();
                    Map<Long, Long> through = new HashMap<>();
                    advances.forEach((key, advance) -> through.put(key, advance.lastOffset));
                    progress.committed(through);
                    advances.clear();
                    held = 0;
                }
            }
            insert.executeBatch();
            advance(connection, advances);
        }
    }

    /** The readings past those the device's blocks hold, by its cursor row (moved in the same transactions). */
    private static List<LogEntry.Stored> unstored(Connection connection, long deviceKey,
                                                  List<LogEntry.Stored> readings) {
        long storedThrough = Jdbc.number(connection, SQL_STORED_THROUGH, deviceKey);
        return readings.stream().filter(reading -> reading.offset() > storedThrough).toList();
    }

    private static void insertRejections(Connection connection, List<LogEntry.Rejected> rejections)
            throws SQLException {
        if (rejections.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(JdbcReadingStore.SQL_REJECTION)) {
            for (LogEntry.Rejected r : rejections) {
                JdbcReadingStore.addRejection(insert, r.deviceKey(), r.rejection());
            }
            insert.executeBatch();
        }
    }

    /** Applies the set changes in log order, and leaves each device the count and max of its latest change. */
    private static void changeRejectedSets(Connection connection, List<LogEntry.RejectedSet> changes)
            throws SQLException {
        if (changes.isEmpty()) {
            return;
        }
        Map<Long, LogEntry.RejectedSet> latest = new TreeMap<>();
        for (LogEntry.RejectedSet change : changes) {
            RejectedSeqTable.change(connection, change.deviceKey(), change.added(), change.removed());
            latest.put(change.deviceKey(), change);
        }
        try (PreparedStatement update = connection.prepareStatement(SQL_REJECTED_COUNT)) {
            for (LogEntry.RejectedSet change : latest.values()) {
                update.setLong(1, change.count());
                update.setLong(2, change.max());
                update.setLong(3, change.deviceKey());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    private static void advance(Connection connection, Map<Long, Advance> advances) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(SQL_ADVANCE)) {
            for (Map.Entry<Long, Advance> entry : advances.entrySet()) {
                Advance a = entry.getValue();
                update.setLong(1, a.lastOffset);
                update.setLong(2, a.maxSeq);
                update.setLong(3, a.stored);
                update.setLong(4, a.lastSeenAt);
                update.setLong(5, entry.getKey());
                update.addBatch();
            }
            update.executeBatch();
        }
    }
}
