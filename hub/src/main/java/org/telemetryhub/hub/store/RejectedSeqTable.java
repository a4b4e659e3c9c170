package org.telemetryhub.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.telemetryhub.hub.core.RejectedSeq;

/**
 * The {@code rejected_seqs} table: each device's seqs refused for their content and never stored, one row per seq.
 * Reads run on their own connection; a writer looks the set up and changes it inside its own transaction.
 */
final class RejectedSeqTable {

    private static final String SQL_CONTAINS = "SELECT COUNT(*) FROM rejected_seqs WHERE device_key = ? AND seq = ?";
    private static final String SQL_COUNT =
            "SELECT COUNT(*) FROM rejected_seqs WHERE device_key = ? AND seq > ? AND seq <= ?";
    private static final String SQL_RANGE = "SELECT seq, code FROM rejected_seqs "
            + "WHERE device_key = ? AND seq >= ? AND seq <= ? ORDER BY seq LIMIT ?";
    private static final String SQL_ADD = "INSERT INTO rejected_seqs (device_key, seq, code) VALUES (?, ?, ?)";
    private static final String SQL_REMOVE = "DELETE FROM rejected_seqs WHERE device_key = ? AND seq = ?";

    private final Jdbc jdbc;

    RejectedSeqTable(Database database) {
        this.jdbc = new Jdbc(database);
    }

    boolean contains(long deviceKey, long seq) {
        return jdbc.one(SQL_CONTAINS, rs -> rs.getLong(1), deviceKey, seq).orElse(0L) > 0;
    }

    /** How many of the device's rejected seqs lie in {@code (after, upTo]}. */
    long countBetween(long deviceKey, long after, long upTo) {
        return jdbc.one(SQL_COUNT, rs -> rs.getLong(1), deviceKey, after, upTo).orElse(0L);
    }

    /** Up to {@code limit} of the device's rejected seqs in {@code [fromSeq, toSeq]}, in seq order. */
    List<RejectedSeq> range(long deviceKey, long fromSeq, long toSeq, int limit) {
        return jdbc.query(SQL_RANGE, rs -> new RejectedSeq(rs.getLong(1), rs.getString(2)), deviceKey, fromSeq,
                toSeq, limit);
    }

    /** One device's set as a transaction on this connection sees it. */
    static RejectedSeqs.Lookup lookup(Connection connection, long deviceKey) {
        return new RejectedSeqs.Lookup() {
            @Override
            public boolean contains(long seq) {
                return Jdbc.number(connection, SQL_CONTAINS, deviceKey, seq) > 0;
            }

            @Override
            public long countBetween(long after, long upTo) {
                return Jdbc.number(connection, SQL_COUNT, deviceKey, after, upTo);
            }
        };
    }

    /** Adds seqs (with their codes) to a device's set and removes others, in the connection's transaction. */
    static void change(Connection connection, long deviceKey, Map<Long, String> added, Collection<Long> removed)
            throws SQLException {
        try (PreparedStatement add = connection.prepareStatement(SQL_ADD);
             PreparedStatement remove = connection.prepareStatement(SQL_REMOVE)) {
            for (Map.Entry<Long, String> seq : added.entrySet()) {
                add.setLong(1, deviceKey);
                add.setLong(2, seq.getKey());
                add.setString(3, seq.getValue());
                add.addBatch();
            }
            for (long seq : removed) {
                remove.setLong(1, deviceKey);
                remove.setLong(2, seq);
                remove.addBatch();
            }
            if (!added.isEmpty()) {
                add.executeBatch();
            }
            if (!removed.isEmpty()) {
                remove.executeBatch();
            }
        }
    }
}
