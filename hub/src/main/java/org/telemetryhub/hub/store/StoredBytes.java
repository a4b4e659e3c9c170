package org.telemetryhub.hub.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Counts the readings of a stopped H2 store and the bytes they hold (seq, ts, offset and storage time as 8 bytes
 * each, the metrics as their JSON text), for comparing the store's files with them. Prints {@code COUNT BYTES}.
 * Used by {@code scripts/bench-ingest.sh}: {@code java -cp hub.jar org.telemetryhub.hub.store.StoredBytes URL}.
 */
public final class StoredBytes {

    private StoredBytes() {}

    public static void main(String[] args) throws SQLException {
        if (args.length != 1) {
            System.err.println("usage: StoredBytes <jdbc:h2:file:... URL of a stopped hub's store>");
            System.exit(2);
        }
        long count = 0;
        long bytes = 0;
        try (Connection connection = DriverManager.getConnection(args[0], "", "");
             Statement statement = connection.createStatement();
             ResultSet blocks = statement.executeQuery("SELECT data FROM reading_blocks")) {
            while (blocks.next()) {
                for (LogEntry.Stored reading : ReadingBlock.entries(0, blocks.getBytes(1))) {
                    count++;
                    bytes += 4 * Long.BYTES + reading.metricsJson().length();
                }
            }
        }
        System.out.println(count + " " + bytes);
    }
}
