package org.telemetryhub.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.telemetryhub.hub.core.ReadingStore.StoredReading;
import org.telemetryhub.hub.core.StoreException;

/**
 * The H2 store's readings table: a device's readings in blocks ({@code reading_blocks}), one row per device per
 * table flush (split at {@value #BLOCK_READINGS} readings), each row a {@link ReadingBlock} with the offsets, seqs,
 * times and count it spans, so a flush writes a page once per many readings of a device instead of an index entry per
 * reading. A read finds the blocks by those summaries and decodes them; blocks never share an offset, and their
 * order by {@code last_offset} is the readings' offset order.
 */
final class BlockTables {

    /** At most this many readings a block: a resend lookup decodes one block, a page of a stream a few. */
    static final int BLOCK_READINGS = 1_000;
    /** Blocks read at a time by the reads that walk a device's blocks in offset order. */
    private static final int PAGE = 8;

    static final String SQL_INSERT = "INSERT INTO reading_blocks (device_key, last_offset, first_offset, min_seq, "
            + "max_seq, min_ts, max_ts, last_stored_at, readings, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String SQL_PAGE = "SELECT last_offset, data FROM reading_blocks "
            + "WHERE device_key = ? AND last_offset > ? ORDER BY last_offset LIMIT ?";
    private static final String SQL_FIRST =
            "SELECT first_offset FROM reading_blocks WHERE device_key = ? ORDER BY last_offset LIMIT 1";
    private static final String SQL_BETWEEN = "SELECT last_offset, data FROM reading_blocks "
            + "WHERE device_key = ? AND last_offset > ? AND max_ts >= ? AND min_ts < ? ORDER BY last_offset LIMIT ?";
    private static final String SQL_SCAN_ORDER = "SELECT last_offset, min_ts FROM reading_blocks "
            + "WHERE device_key = ? AND max_ts >= ? AND min_ts < ? ORDER BY min_ts, last_offset";
    private static final String SQL_BLOCK = "SELECT data FROM reading_blocks WHERE device_key = ? AND last_offset = ?";
    private static final String SQL_WITH_SEQ =
            "SELECT data FROM reading_blocks WHERE device_key = ? AND max_seq >= ? AND min_seq <= ?";
    private static final String SQL_EXPIRE = "DELETE FROM reading_blocks WHERE device_key = ? AND last_offset <= ?";
    private static final String SQL_REWRITE = "UPDATE reading_blocks SET first_offset = ?, min_seq = ?, max_seq = ?, "
            + "min_ts = ?, max_ts = ?, readings = ?, data = ? WHERE device_key = ? AND last_offset = ?";

    private final Database database;
    private final Jdbc jdbc;

    BlockTables(Database database) {
        this.database = database;
        this.jdbc = new Jdbc(database);
    }

    private record Block(long lastOffset, byte[] data) {

        static Block of(ResultSet rs) throws SQLException {
            return new Block(rs.getLong(1), rs.getBytes(2));
        }
    }

    /** The summary columns of a block. */
    private record Summary(long firstOffset, long lastOffset, long minSeq, long maxSeq, long minTs, long maxTs,
                           long lastStoredAt, int count) {

        static Summary of(List<LogEntry.Stored> readings) {
            long minSeq = Long.MAX_VALUE;
            long maxSeq = Long.MIN_VALUE;
            long minTs = Long.MAX_VALUE;
            long maxTs = Long.MIN_VALUE;
            for (LogEntry.Stored entry : readings) {
                minSeq = Math.min(minSeq, entry.seq());
                maxSeq = Math.max(maxSeq, entry.seq());
                minTs = Math.min(minTs, entry.ts());
                maxTs = Math.max(maxTs, entry.ts());
            }
            LogEntry.Stored last = readings.get(readings.size() - 1);
            return new Summary(readings.get(0).offset(), last.offset(), minSeq, maxSeq, minTs, maxTs,
                    last.storedAt(), readings.size());
        }
    }

    /**
     * Adds to the batch of {@link #SQL_INSERT} the blocks of a run of one device's readings in offset order, each of
     * up to {@link #BLOCK_READINGS}.
     */
    static void addBlocks(PreparedStatement insert, long deviceKey, List<LogEntry.Stored> run) throws SQLException {
        for (int from = 0; from < run.size(); from += BLOCK_READINGS) {
            List<LogEntry.Stored> readings = run.subList(from, Math.min(run.size(), from + BLOCK_READINGS));
            Summary summary = Summary.of(readings);
            Jdbc.bind(insert, deviceKey, summary.lastOffset(), summary.firstOffset(), summary.minSeq(),
                    summary.maxSeq(), summary.minTs(), summary.maxTs(), summary.lastStoredAt(), summary.count(),
                    ReadingBlock.encode(readings));
            insert.addBatch();
        }
    }

    /** Up to {@code limit} readings after an offset, in offset order. */
    List<StoredReading> after(long deviceKey, long afterOffset, int limit) {
        List<StoredReading> out = new ArrayList<>();
        walk(SQL_PAGE, block -> {
            for (LogEntry.Stored reading : ReadingBlock.entries(deviceKey, block.data())) {
                if (reading.offset() > afterOffset && out.size() < limit) {
                    out.add(reading.decode());
                }
            }
            return out.size() < limit;
        }, deviceKey, afterOffset);
        return out;
    }

    /** The lowest offset the blocks hold, or null when they hold none of the device's readings. */
    Long minOffset(long deviceKey) {
        return jdbc.one(SQL_FIRST, rs -> rs.getLong(1), deviceKey).orElse(null);
    }

    /** Up to {@code limit} readings with {@code from <= ts < to}, in offset order. */
    List<StoredReading> between(long deviceKey, long from, long to, int limit) {
        List<StoredReading> out = new ArrayList<>();
        walk(SQL_BETWEEN, block -> {
            for (LogEntry.Stored reading : ReadingBlock.entries(deviceKey, block.data())) {
                if (reading.ts() >= from && reading.ts() < to && out.size() < limit) {
                    out.add(reading.decode());
                }
            }
            return out.size() < limit;
        }, deviceKey, 0, from, to);
        return out;
    }

    /**
     * Hands a device's blocks after an offset to {@code each} in offset order, a page of {@code sql} at a time, while
     * it answers true; {@code filter} binds what {@code sql} asks between the offset and the page size.
     */
    private void walk(String sql, Predicate<Block> each, long deviceKey, long afterOffset, Object... filter) {
        Object[] parameters = new Object[filter.length + 3];
        parameters[0] = deviceKey;
        System.arraycopy(filter, 0, parameters, 2, filter.length);
        parameters[parameters.length - 1] = PAGE;
        long after = afterOffset;
        while (true) {
            parameters[1] = after;
            List<Block> page = jdbc.query(sql, Block::of, parameters);
            for (Block block : page) {
                if (!each.test(block)) {
                    return;
                }
                after = block.lastOffset();
            }
            if (page.size() < PAGE) {
                return;
            }
        }
    }

    /**
     * Every reading with {@code from <= ts < to}, in ts order (offset order among equal times). The blocks are taken
     * by their earliest time, their order streamed from the database; a reading is handed on once no block still to
     * come can hold an earlier one, so what is held at once is the blocks whose times overlap, not the range.
     */
    void scan(long deviceKey, long from, long to, Consumer<StoredReading> each) {
        PriorityQueue<StoredReading> held = new PriorityQueue<>(Comparator
                .comparingLong((StoredReading r) -> r.reading().ts()).thenComparingLong(StoredReading::offset));
        try (Connection connection = database.connection();
             PreparedStatement order = Jdbc.prepare(connection, SQL_SCAN_ORDER, deviceKey, from, to);
             PreparedStatement block = connection.prepareStatement(SQL_BLOCK);
             ResultSet blocks = order.executeQuery()) {
            while (blocks.next()) {
                while (!held.isEmpty() && held.peek().reading().ts() < blocks.getLong(2)) {
                    each.accept(held.poll());
                }
                Jdbc.bind(block, deviceKey, blocks.getLong(1));
                try (ResultSet data = block.executeQuery()) {
                    if (data.next()) { // else retention removed it meanwhile
                        for (LogEntry.Stored reading : ReadingBlock.entries(deviceKey, data.getBytes(1))) {
                            if (reading.ts() >= from && reading.ts() < to) {
                                held.add(reading.decode());
                            }
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException("scan readings", e);
        }
        while (!held.isEmpty()) {
            each.accept(held.poll());
        }
    }

    /** The stored reading with this seq, or null. */
    StoredReading withSeq(long deviceKey, long seq) {
        for (byte[] block : jdbc.query(SQL_WITH_SEQ, rs -> rs.getBytes(1), deviceKey, seq, seq)) {
            for (LogEntry.Stored reading : ReadingBlock.entries(deviceKey, block)) {
                if (reading.seq() == seq) {
                    return reading.decode();
                }
            }
        }
        return null;
    }

    /**
     * Offsets follow commit order, so the readings stored before the cutoff are a prefix of the log: this walks it
     * from the oldest block and removes up to the last reading that expired, even if the clock stepped back, so the
     * log never gets a hole in the middle. Blocks wholly expired are deleted; the block the cutoff falls in is
     * rewritten without its expired readings. Returns how many readings went.
     */
    int deleteStoredBefore(long deviceKey, long cutoff) {
        Expiry expiry = new Expiry(deviceKey, cutoff);
        walk(SQL_PAGE, expiry, deviceKey, 0);
        if (expiry.removed == 0) {
            return 0;
        }
        jdbc.transaction("expire readings", connection -> {
            if (expiry.wholeUpTo > 0) {
                Jdbc.update(connection, SQL_EXPIRE, deviceKey, expiry.wholeUpTo);
            }
            if (expiry.cut != null) {
                List<LogEntry.Stored> kept = expiry.cut.subList(expiry.cutAt, expiry.cut.size());
                Summary summary = Summary.of(kept);
                Jdbc.update(connection, SQL_REWRITE, summary.firstOffset(), summary.minSeq(), summary.maxSeq(),
                        summary.minTs(), summary.maxTs(), summary.count(), ReadingBlock.encode(kept), deviceKey,
                        summary.lastOffset());
            }
            return null;
        });
        return expiry.removed;
    }

    /** Where a cutoff falls in a device's blocks, from the oldest: the blocks wholly before it, the one it cuts. */
    private static final class Expiry implements Predicate<Block> {

        private final long deviceKey;
        private final long cutoff;
        private long wholeUpTo;
        private int removed;
        private List<LogEntry.Stored> cut;
        private int cutAt;

        Expiry(long deviceKey, long cutoff) {
            this.deviceKey = deviceKey;
            this.cutoff = cutoff;
        }

        @Override
        public boolean test(Block block) {
            List<LogEntry.Stored> readings = ReadingBlock.entries(deviceKey, block.data());
            int expired = 0;
            while (expired < readings.size() && readings.get(expired).storedAt() < cutoff) {
                expired++;
            }
            removed += expired;
            if (expired == readings.size()) {
                wholeUpTo = block.lastOffset();
                return true;
            }
            if (expired > 0) {
                cut = readings;
                cutAt = expired;
            }
            return false;
        }
    }
}
