package org.telemetryhub.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.config.ConfigLoader;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.core.ReadingStore.Outcome;
import org.telemetryhub.hub.core.ReadingStore.StoredReading;
import org.telemetryhub.protocol.Reading;

class ReadingsInBlocksTest {

    private static final int STORED = 2_500;
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void readings_stored_before_the_migration_are_read_back_from_blocks_and_still_answer_resends() throws Exception {
        HubConfig.Store config = HubConfig.from(ConfigLoader.settings(Map.of("store.dir", dir.toString(),
                "store.flushIntervalMs", "3600000"))).store();
        Flyway.configure().dataSource(config.url(), "", "").locations("classpath:db/migration")
                .javaMigrations(new CommandsByNumber()).target("11").load().migrate();
        storeRowsOfTheOldTable(config);

        Database database = Database.open(config);
        try (LoggedReadingStore store = new LoggedReadingStore(database, LoggedReadingStore.Settings.of(config),
                Clock.systemUTC())) {
            store.start();
            long pump = key(database, "old-pump");

            List<StoredReading> all = store.after(pump, 0, 10_000);
            assertEquals(STORED, all.size());
            assertEquals(new StoredReading(2_000, new Reading(2_000, T0 + 2_000, Map.of("température", 2_000.0)),
                    T0 + 2_000), all.get(1_999));
            assertEquals(1, store.firstOffset(pump));
            assertEquals(List.of(1L, 2L), store.between(key(database, "old-valve"), 0, Long.MAX_VALUE, 10).stream()
                    .map(StoredReading::offset).toList());
            assertEquals(0, rowsLeft(database));
            List<Outcome> outcomes = store.write(List.of(new ReadingStore.Write(
                    new DeviceRef(pump, "old-pump", "default", 1_000),
                    List.of(new Reading(1_500, T0 + 1_500, Map.of("température", 1_500.0)),
                            new Reading(1_501, T0, Map.of("température", 0.0))), List.of()))).get(0);
            assertEquals(new Outcome.Duplicate(1_500), outcomes.get(0));
            assertInstanceOf(Outcome.Conflict.class, outcomes.get(1));
        } finally {
            database.close();
        }
    }

    /** Two devices with readings in the row table, as a store at version 11 holds them. */
    private static void storeRowsOfTheOldTable(HubConfig.Store config) throws SQLException {
        try (Connection connection = DriverManager.getConnection(config.url());
             PreparedStatement device = connection.prepareStatement("INSERT INTO devices (device_id, active_id, "
                     + "fleet, secret_hash, report_interval_ms, created_at, last_offset, max_seq, stored_count) "
                     + "VALUES (?, ?, 'default', 'hash', 1000, 1, ?, ?, ?)")) {
            List<Map.Entry<String, Integer>> devices = List.of(Map.entry("old-pump", STORED), Map.entry("old-valve", 2));
            for (Map.Entry<String, Integer> stored : devices) {
                device.setString(1, stored.getKey());
                device.setString(2, stored.getKey());
                device.setLong(3, stored.getValue());
                device.setLong(4, stored.getValue());
                device.setLong(5, stored.getValue());
                device.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO readings (device_key, "
                    + "offset_no, seq, ts, metrics, stored_at) SELECT device_key, ?, ?, ?, ?, ? FROM devices "
                    + "WHERE device_id = ?")) {
                for (int i = 1; i <= STORED; i++) {
                    add(insert, "old-pump", i, "{\"température\":" + (double) i + "}");
                }
                add(insert, "old-valve", 1, "{\"open\":1.0}");
                add(insert, "old-valve", 2, "{\"open\":0.0}");
                insert.executeBatch();
            }
        }
    }

    private static void add(PreparedStatement insert, String device, long offset, String metrics) throws SQLException {
        insert.setLong(1, offset);
        insert.setLong(2, offset);
        insert.setLong(3, T0 + offset);
        insert.setString(4, metrics);
        insert.setLong(5, T0 + offset);
        insert.setString(6, device);
        insert.addBatch();
    }

    private static long key(Database database, String id) throws SQLException {
        try (Connection connection = database.connection()) {
            return Jdbc.number(connection, "SELECT device_key FROM devices WHERE device_id = ?", id);
        }
    }

    private static long rowsLeft(Database database) throws SQLException {
        try (Connection connection = database.connection()) {
            return Jdbc.number(connection, "SELECT COUNT(*) FROM readings");
        }
    }
}
