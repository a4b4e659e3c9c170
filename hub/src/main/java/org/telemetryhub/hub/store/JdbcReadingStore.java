package org.telemetryhub.hub.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.telemetryhub.hub.core.ReadingCursor;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.core.RejectedSeq;
import org.telemetryhub.hub.core.StoreException;
import org.telemetryhub.protocol.JsonText;
import org.telemetryhub.protocol.Reading;

/**
 * The reading log in portable SQL. Each device row carries its cursor (last offset, highest seq, count); a write
 * advances it with a compare-and-set, so two writers of one device (two hub nodes) cannot hand out one offset twice.
 * The first attempt is optimistic (cached cursors, no locks); a write that loses a race rolls back and tries again
 * holding its devices' rows, locked in key order, so writers of one device take turns instead of failing each other.
 * Not thread-safe: one writer at a time per instance (the group commit's).
 */
public final class JdbcReadingStore implements ReadingStore {

    /** A provisioned device's cursor row (none once the device is deleted). */
    static final String SQL_CURSOR = "SELECT last_offset, max_seq, stored_count, rejected_count, rejected_max, "
            + "last_seen_at, rejected_version FROM device_cursors c WHERE device_key = ? AND EXISTS "
            + "(SELECT 1 FROM devices d WHERE d.device_key = c.device_key AND d.active_id IS NOT NULL)";
    private static final String SQL_WITH_SEQ = "SELECT offset_no, seq, ts, metrics, stored_at FROM readings "
            + "WHERE device_key = ? AND seq = ?";
    private static final String SQL_INSERT =
            "INSERT INTO readings (device_key, offset_no, seq, ts, metrics, stored_at) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String SQL_ADVANCE = "UPDATE device_cursors SET last_offset = ?, max_seq = ?, stored_count = ?, "
            + "last_seen_at = ?, rejected_count = ?, rejected_max = ?, rejected_version = ? "
            + "WHERE device_key = ? AND last_offset = ? AND rejected_version = ?";
    static final String SQL_REJECTION =
            "INSERT INTO rejections (device_key, seq, code, message, rejected_at) VALUES (?, ?, ?, ?, ?)";
    private static final String SQL_AFTER = "SELECT offset_no, seq, ts, metrics, stored_at FROM readings "
            + "WHERE device_key = ? AND offset_no > ? ORDER BY offset_no LIMIT ?";
    private static final String SQL_LAST = "SELECT last_offset FROM device_cursors WHERE device_key = ?";
    private static final String SQL_FIRST = "SELECT MIN(offset_no) FROM readings WHERE device_key = ?";
    private static final String SQL_BETWEEN = "SELECT offset_no, seq, ts, metrics, stored_at FROM readings "
            + "WHERE device_key = ? AND ts >= ? AND ts < ? ORDER BY offset_no LIMIT ?";
    private static final String SQL_SCAN = "SELECT offset_no, seq, ts, metrics, stored_at FROM readings "
            + "WHERE device_key = ? AND ts >= ? AND ts < ? ORDER BY ts";
    private static final String SQL_REJECTIONS = "SELECT seq, code, message, rejected_at FROM rejections "
            + "WHERE device_key = ? ORDER BY rejection_id DESC LIMIT ?";
    private static final String SQL_STORED_AT = "SELECT offset_no, stored_at FROM readings "
            + "WHERE device_key = ? AND offset_no > ? ORDER BY offset_no LIMIT ?";
    private static final String SQL_EXPIRE = "DELETE FROM readings WHERE device_key = ? AND offset_no <= ?";
    private static final int EXPIRY_PAGE = 1_000;
    private static final String SQL_LOCK_CURSOR = SQL_CURSOR + " FOR UPDATE";
    private static final int ATTEMPTS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Double>> METRICS = new TypeReference<>() {};

    private final Database database;
    private final Jdbc jdbc;
    private final RejectedSeqTable rejectedTable;
    private final Clock clock;
    private final Map<Long, Cursor> cursors = new HashMap<>();

    public JdbcReadingStore(Database database, Clock clock) {
        this.database = database;
        this.jdbc = new Jdbc(database);
        this.rejectedTable = new RejectedSeqTable(database);
        this.clock = clock;
    }

    private record Cursor(long lastOffset, long maxSeq, long count, long rejected, long rejectedMax,
                          long rejectedVersion) {

        static Cursor of(ResultSet rs) throws SQLException {
            return new Cursor(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                    rs.getLong(7));
        }
    }

    /** The cursor a write moved, from where it was read to where it goes. */
    private static final class Move {
        final Cursor from;
        long lastOffset;
        long maxSeq;
        long count;
        final RejectedSeqs rejected;
        final Map<Long, Pending> bySeq = new HashMap<>();

        Move(Cursor from, RejectedSeqs.Lookup lookup) {
            this.from = from;
            lastOffset = from.lastOffset();
            maxSeq = from.maxSeq();
            count = from.count();
            rejected = new RejectedSeqs(lookup, from.rejected(), from.rejectedMax());
        }

        Cursor to() {
            return new Cursor(lastOffset, maxSeq, count, rejected.count(from.maxSeq(), maxSeq), rejected.max(),
                    from.rejectedVersion() + (rejected.changesSet() ? 1 : 0));
        }
    }

    private record Pending(long offset, Reading reading) {}

    /** Another writer moved a cursor first, or stored a seq first: retry on fresh cursors. */
    private static final class CursorMoved extends Exception {
        CursorMoved() {
            super(null, null, false, false);
        }
    }

    @Override
    public List<List<Outcome>> write(List<Write> writes) {
        try (Connection connection = database.connection()) {
            connection.setAutoCommit(false);
            for (int attempt = 1; ; attempt++) {
                try {
                    Map<Long, Move> moves = new TreeMap<>(); // key order: the order device rows get locked in
                    if (attempt > 1) {
                        lockCursors(connection, writes, moves);
                    }
                    Map<Long, Cursor> moved = new HashMap<>();
                    List<List<Outcome>> outcomes = writeOnce(connection, writes, moves, moved);
                    connection.commit();
                    cursors.putAll(moved);
                    return outcomes;
                } catch (CursorMoved moved) {
                    connection.rollback();
                    cursors.clear();
                    if (attempt == ATTEMPTS) {
                        throw new StoreException("write", new SQLException("cursors kept moving under the write"));
                    }
                } catch (SQLException e) {
                    connection.rollback();
                    cursors.clear();
                    if (!isRace(e) || attempt == ATTEMPTS) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            cursors.clear();
            throw new StoreException("write", e);
        }
    }

    private List<List<Outcome>> writeOnce(Connection connection, List<Write> writes, Map<Long, Move> moves,
                                          Map<Long, Cursor> moved) throws SQLException, CursorMoved {
        long now = clock.millis();
        List<List<Outcome>> outcomes = new ArrayList<>(writes.size());
        try (PreparedStatement cursorQuery = connection.prepareStatement(SQL_CURSOR);
             PreparedStatement findSeq = connection.prepareStatement(SQL_WITH_SEQ);
             PreparedStatement insert = connection.prepareStatement(SQL_INSERT);
             PreparedStatement rejection = connection.prepareStatement(SQL_REJECTION)) {
            int inserted = 0;
            int rejected = 0;
            for (Write write : writes) {
                long key = write.device().key();
                Move move = moves.get(key);
                if (move == null) {
                    Optional<Cursor> cursor = cursor(cursorQuery, key);
                    if (cursor.isEmpty()) {
                        outcomes.add(write.readings().stream().<Outcome>map(r -> new Outcome.DeviceGone()).toList());
                        continue;
                    }
                    move = new Move(cursor.get(), RejectedSeqTable.lookup(connection, key));
                    moves.put(key, move);
                }
                List<Outcome> results = new ArrayList<>(write.readings().size());
                List<Rejection> rejections = new ArrayList<>(write.rejections());
                for (Reading reading : write.readings()) {
                    Outcome outcome = place(findSeq, key, reading, move);
                    if (outcome instanceof Outcome.Conflict) {
                        rejections.add(new Rejection(reading.seq(), "seq_conflict",
                                ReadingStore.conflictMessage(write.device(), reading.seq()), now));
                    }
                    if (outcome instanceof Outcome.Stored stored) {
                        move.rejected.stored(reading.seq());
                        insert.setLong(1, key);
                        insert.setLong(2, stored.offset());
                        insert.setLong(3, reading.seq());
                        insert.setLong(4, reading.ts());
                        insert.setString(5, JsonText.metrics(reading.metrics()));
                        insert.setLong(6, now);
                        insert.addBatch();
                        inserted++;
                    }
                    results.add(outcome);
                }
                for (Rejection r : rejections) {
                    addRejection(rejection, key, r);
                    rejected++;
                    if (r.forContent() && !isStored(findSeq, key, r.seq(), move)) {
                        move.rejected.rejected(r.seq(), r.code());
                    }
                }
                outcomes.add(results);
            }
            // The cursors move first: their rows are the locks that keep two writers of a device from interleaving.
            advance(connection, moves, now, moved);
            if (inserted > 0) {
                insert.executeBatch();
            }
            if (rejected > 0) {
                rejection.executeBatch();
            }
        }
        for (Map.Entry<Long, Move> entry : moves.entrySet()) {
            RejectedSeqs changes = entry.getValue().rejected;
            if (changes.changesSet()) {
                RejectedSeqTable.change(connection, entry.getKey(), changes.added(), changes.removed());
            }
        }
        return outcomes;
    }

    /** Whether this seq is stored: earlier in this write, or before it. */
    private static boolean isStored(PreparedStatement findSeq, long key, long seq, Move move) throws SQLException {
        return move.bySeq.containsKey(seq) || (seq <= move.maxSeq && find(findSeq, key, seq).isPresent());
    }

    /** Adds one rejection to a batch of {@link #SQL_REJECTION}. */
    static void addRejection(PreparedStatement insert, long deviceKey, Rejection r) throws SQLException {
        insert.setLong(1, deviceKey);
        if (r.seq() == null) {
            insert.setNull(2, java.sql.Types.BIGINT);
        } else {
            insert.setLong(2, r.seq());
        }
        insert.setString(3, r.code());
        insert.setString(4, r.message());
        insert.setLong(5, r.at());
        insert.addBatch();
    }

    private Outcome place(PreparedStatement findSeq, long key, Reading reading, Move move) throws SQLException {
        Pending earlier = move.bySeq.get(reading.seq());
        if (earlier != null) {
            return verdict(earlier.offset(), earlier.reading(), reading);
        }
        if (reading.seq() <= move.maxSeq) {
            Optional<Pending> stored = find(findSeq, key, reading.seq());
            if (stored.isPresent()) {
                return verdict(stored.get().offset(), stored.get().reading(), reading);
            }
        }
        long offset = ++move.lastOffset;
        move.maxSeq = Math.max(move.maxSeq, reading.seq());
        move.count++;
        move.bySeq.put(reading.seq(), new Pending(offset, reading));
        return new Outcome.Stored(offset);
    }

    /** A seq that is stored already: a resend when the content is the same, else a conflict. */
    static Outcome verdict(long offset, Reading stored, Reading incoming) {
        return stored.sameContentAs(incoming) ? new Outcome.Duplicate(offset) : new Outcome.Conflict(stored);
    }

    /** Reads and locks the cursors of every device the writes touch, in key order (so two writers cannot deadlock). */
    private static void lockCursors(Connection connection, List<Write> writes, Map<Long, Move> moves)
            throws SQLException {
        TreeSet<Long> keys = new TreeSet<>();
        writes.forEach(write -> keys.add(write.device().key()));
        try (PreparedStatement lock = connection.prepareStatement(SQL_LOCK_CURSOR)) {
            for (long key : keys) {
                lock.setLong(1, key);
                try (ResultSet rs = lock.executeQuery()) {
                    if (rs.next()) {
                        moves.put(key, new Move(Cursor.of(rs), RejectedSeqTable.lookup(connection, key)));
                    }
                }
            }
        }
    }

    private Optional<Cursor> cursor(PreparedStatement query, long key) throws SQLException {
        Cursor cached = cursors.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        query.setLong(1, key);
        try (ResultSet rs = query.executeQuery()) {
            return rs.next() ? Optional.of(Cursor.of(rs)) : Optional.empty();
        }
    }

    private static Optional<Pending> find(PreparedStatement findSeq, long key, long seq) throws SQLException {
        findSeq.setLong(1, key);
        findSeq.setLong(2, seq);
        try (ResultSet rs = findSeq.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            StoredReading stored = stored(rs);
            return Optional.of(new Pending(stored.offset(), stored.reading()));
        }
    }

    /** Moves each cursor (the rejected-seq counts are looked up before the set changes) and keeps where it went. */
    private static void advance(Connection connection, Map<Long, Move> moves, long now, Map<Long, Cursor> moved)
            throws SQLException, CursorMoved {
        if (moves.isEmpty()) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement(SQL_ADVANCE)) {
            for (Map.Entry<Long, Move> entry : moves.entrySet()) {
                Move move = entry.getValue();
                Cursor to = move.to();
                moved.put(entry.getKey(), to);
                update.setLong(1, to.lastOffset());
                update.setLong(2, to.maxSeq());
                update.setLong(3, to.count());
                update.setLong(4, now);
                update.setLong(5, to.rejected());
                update.setLong(6, to.rejectedMax());
                update.setLong(7, to.rejectedVersion());
                update.setLong(8, entry.getKey());
                update.setLong(9, move.from.lastOffset());
                update.setLong(10, move.from.rejectedVersion());
                update.addBatch();
            }
            for (int count : update.executeBatch()) {
                if (count == 0) {
                    throw new CursorMoved();
                }
            }
        }
    }

    @Override
    public List<StoredReading> after(long deviceKey, long afterOffset, int limit) {
        return jdbc.query(SQL_AFTER, JdbcReadingStore::stored, deviceKey, afterOffset, limit);
    }

    @Override
    public long lastOffset(long deviceKey) {
        return jdbc.one(SQL_LAST, rs -> rs.getLong(1), deviceKey).orElse(0L);
    }

    @Override
    public long firstOffset(long deviceKey) {
        Long first = jdbc.one(SQL_FIRST, rs -> (Long) rs.getObject(1, Long.class), deviceKey).orElse(null);
        return first != null ? first : lastOffset(deviceKey) + 1;
    }

    @Override
    public List<StoredReading> between(long deviceKey, long from, long to, int limit) {
        return jdbc.query(SQL_BETWEEN, JdbcReadingStore::stored, deviceKey, from, to, limit);
    }

    @Override
    public void scan(long deviceKey, long from, long to, java.util.function.Consumer<StoredReading> each) {
        try (Connection connection = database.connection();
             PreparedStatement query = Jdbc.prepare(connection, SQL_SCAN, deviceKey, from, to)) {
            query.setFetchSize(1_000);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    each.accept(stored(rs));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("scan readings", e);
        }
    }

    /** The cursor row of a provisioned device; empty once it is deleted. */
    Optional<ReadingCursor> cursor(long deviceKey) {
        return jdbc.one(SQL_CURSOR, JdbcReadingStore::readingCursor, deviceKey);
    }

    /** A row of {@link #SQL_CURSOR} as the device list sees it. */
    static ReadingCursor readingCursor(ResultSet rs) throws SQLException {
        return new ReadingCursor(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                (Long) rs.getObject(6, Long.class));
    }

    @Override
    public List<Rejection> rejections(long deviceKey, int limit) {
        return jdbc.query(SQL_REJECTIONS, rs -> new Rejection((Long) rs.getObject(1, Long.class), rs.getString(2),
                rs.getString(3), rs.getLong(4)), deviceKey, limit);
    }

    @Override
    public List<RejectedSeq> rejectedSeqs(long deviceKey, long fromSeq, long toSeq, int limit) {
        return rejectedTable.range(deviceKey, fromSeq, toSeq, limit);
    }

    /**
     * Offsets follow commit order, so the readings stored before the cutoff are a prefix of the log: this walks it
     * from the oldest reading and deletes up to the last one that expired. The log never gets a hole in the middle,
     * even if the clock stepped back, and writes need no index on {@code stored_at}.
     */
    @Override
    public int deleteStoredBefore(long deviceKey, long cutoff) {
        long expiredUpTo = 0;
        while (true) {
            List<long[]> page = jdbc.query(SQL_STORED_AT, rs -> new long[] {rs.getLong(1), rs.getLong(2)},
                    deviceKey, expiredUpTo, EXPIRY_PAGE);
            for (long[] reading : page) {
                if (reading[1] >= cutoff) {
                    return expiredUpTo == 0 ? 0 : jdbc.update(SQL_EXPIRE, deviceKey, expiredUpTo);
                }
                expiredUpTo = reading[0];
            }
            if (page.size() < EXPIRY_PAGE) {
                return expiredUpTo == 0 ? 0 : jdbc.update(SQL_EXPIRE, deviceKey, expiredUpTo);
            }
        }
    }

    private static StoredReading stored(ResultSet rs) throws SQLException {
        Reading reading = new Reading(rs.getLong(2), rs.getLong(3), metrics(rs.getString(4)));
        return new StoredReading(rs.getLong(1), reading, rs.getLong(5));
    }

    static Map<String, Double> metrics(String json) {
        try {
            return JSON.readValue(json, METRICS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored metrics are not valid JSON", e);
        }
    }

    static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /** Another writer stored the same seq first, or the database broke a lock cycle between two writers. */
    static boolean isRace(SQLException e) {
        return isUniqueViolation(e) || "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
    }
}
