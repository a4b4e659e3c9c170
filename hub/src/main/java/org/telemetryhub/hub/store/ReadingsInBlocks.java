package org.telemetryhub.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.Context;

/**
 * Migration 12: on H2 a device's readings are kept in blocks ({@link BlockTables}), one row per device per table
 * flush, instead of a row and a seq index entry per reading, which made the flush the hub's largest cost; the
 * readings stored so far move into blocks of up to {@value BlockTables#BLOCK_READINGS}. The blocks are found by
 * offset (the key), by seq for a resend (an index on the highest seq a block holds) and by time (the key's order
 * with the times each block spans). The data is VARBINARY, which H2 keeps in the row: with blocks of 50 readings a
 * flush cost 1.3 us a reading, against 3.0 us as a BLOB, which H2 writes to its LOB store besides. PostgreSQL keeps
 * its row table: there the database hands out offsets to several hub nodes reading by row; this does nothing on it.
 * Written in Java because it is for one database only and moves rows through the block codec.
 */
final class ReadingsInBlocks extends CodedMigration {

    private static final String SQL_TABLE = "CREATE TABLE reading_blocks ("
            + "device_key BIGINT NOT NULL, last_offset BIGINT NOT NULL, first_offset BIGINT NOT NULL, "
            + "min_seq BIGINT NOT NULL, max_seq BIGINT NOT NULL, min_ts BIGINT NOT NULL, max_ts BIGINT NOT NULL, "
            + "last_stored_at BIGINT NOT NULL, readings INT NOT NULL, data VARBINARY NOT NULL, "
            + "PRIMARY KEY (device_key, last_offset))";
    private static final String SQL_BY_SEQ =
            "CREATE INDEX reading_blocks_by_seq ON reading_blocks (device_key, max_seq)";
    private static final String SQL_ROWS = "SELECT device_key, offset_no, seq, ts, metrics, stored_at FROM readings "
            + "ORDER BY device_key, offset_no";
    /** Rows moved per statement batch: whole blocks, so a device's run is cut only at a block's end. */
    private static final int BATCH = 20 * BlockTables.BLOCK_READINGS;

    ReadingsInBlocks() {
        super("12", "readings in blocks");
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        if (!"H2".equals(connection.getMetaData().getDatabaseProductName())) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(SQL_TABLE);
            statement.execute(SQL_BY_SEQ);
        }
        try (Statement query = connection.createStatement();
             ResultSet rs = query.executeQuery(SQL_ROWS);
             PreparedStatement insert = connection.prepareStatement(BlockTables.SQL_INSERT)) {
            List<LogEntry.Stored> run = new ArrayList<>();
            int batched = 0;
            while (rs.next()) {
                long deviceKey = rs.getLong(1);
                if (!run.isEmpty() && (run.get(0).deviceKey() != deviceKey || run.size() == BATCH)) {
                    BlockTables.addBlocks(insert, run.get(0).deviceKey(), run);
                    batched += run.size();
                    run.clear();
                }
                run.add(new LogEntry.Stored(deviceKey, rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(6),
                        rs.getString(5)));
                if (batched >= BATCH) {
                    insert.executeBatch();
                    batched = 0;
                }
            }
            if (!run.isEmpty()) {
                BlockTables.addBlocks(insert, run.get(0).deviceKey(), run);
            }
            insert.executeBatch();
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM readings");
        }
    }
}
