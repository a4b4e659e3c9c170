package org.telemetryhub.hub.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/** The H2 file of a hub that is no longer running, read directly, as the crash drills check it. */
public final class StoreFile {

    private StoreFile() {}

    /** Device id to seq to how many rows hold that seq. */
    public static Map<String, Map<Long, Integer>> rows(Path storeDir) {
        Map<String, Map<Long, Integer>> rows = new TreeMap<>();
        // the hub was killed: its lock file is stale, and nobody else has the file open
        String url = "jdbc:h2:file:" + storeDir.toAbsolutePath().normalize().resolve("hub") + ";FILE_LOCK=NO";
        try (Connection connection = DriverManager.getConnection(url, "", "");
             ResultSet rs = connection.createStatement().executeQuery("SELECT d.device_id, r.seq, COUNT(*) "
                     + "FROM readings r JOIN devices d ON d.device_key = r.device_key GROUP BY d.device_id, r.seq")) {
            while (rs.next()) {
                rows.computeIfAbsent(rs.getString(1), id -> new TreeMap<>()).put(rs.getLong(2), rs.getInt(3));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the store at " + storeDir, e);
        }
        return rows;
    }
}
