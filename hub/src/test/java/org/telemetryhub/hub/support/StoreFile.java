package org.telemetryhub.hub.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.time.Clock;
import org.telemetryhub.hub.config.ConfigLoader;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.store.Database;
import org.telemetryhub.hub.store.LoggedReadingStore;
import org.telemetryhub.hub.store.ReadingBlock;

/** The H2 file of a hub that is no longer running, read directly, as the crash drills check it. */
public final class StoreFile {

    private StoreFile() {}

    /**
     * Device id to seq to how many stored readings hold that seq (counted across the blocks, so a reading stored
     * twice shows), once the hub's own start-up recovery has run.
     */
    public static Map<String, Map<Long, Integer>> rows(Path storeDir) {
        // the hub was killed: its lock file is stale, and nobody else has the file open
        String url = "jdbc:h2:file:" + storeDir.toAbsolutePath().normalize().resolve("hub") + ";FILE_LOCK=NO";
        recover(storeDir, url);
        Map<String, Map<Long, Integer>> rows = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection(url, "", "");
             ResultSet rs = connection.createStatement().executeQuery("SELECT d.device_id, b.data "
                     + "FROM reading_blocks b JOIN devices d ON d.device_key = b.device_key")) {
            while (rs.next()) {
                Map<Long, Integer> seqs = rows.computeIfAbsent(rs.getString(1), id -> new TreeMap<>());
                for (ReadingStore.StoredReading stored : ReadingBlock.decode(rs.getBytes(2))) {
                    seqs.merge(stored.reading().seq(), 1, Integer::sum);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the store at " + storeDir, e);
        }
        return rows;
    }

    /** A device's readings in an H2 store, decoded from its blocks, in offset order. */
    public static List<ReadingStore.StoredReading> readings(Connection connection, long deviceKey)
            throws SQLException {
        List<ReadingStore.StoredReading> readings = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT data FROM reading_blocks WHERE device_key = ? ORDER BY last_offset")) {
            query.setLong(1, deviceKey);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    readings.addAll(ReadingBlock.decode(rs.getBytes(1)));
                }
            }
        }
        return readings;
    }

    /** Moves what the reading log holds past the tables' checkpoint into the tables, as the hub does at start. */
    private static void recover(Path storeDir, String url) {
        HubConfig.Store config = HubConfig.from(ConfigLoader.settings(Map.of("store.dir", storeDir.toString(),
                "store.url", url))).store();
        try (Database database = Database.open(config);
             LoggedReadingStore store = new LoggedReadingStore(database, LoggedReadingStore.Settings.of(config),
                     Clock.systemUTC())) {
            // opening it was the recovery; closing it leaves the log empty
        }
    }
}
