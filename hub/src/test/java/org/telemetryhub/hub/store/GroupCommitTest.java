package org.telemetryhub.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.config.ConfigLoader;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.StoreException;

class GroupCommitTest {

    @TempDir
    Path dir;

    private Database database;
    private Jdbc jdbc;

    @BeforeEach
    void open() {
        database = Database.open(HubConfig.from(ConfigLoader.settings(Map.of("store.dir", dir.toString()))).store());
        jdbc = new Jdbc(database);
        jdbc.update("CREATE TABLE group_test (id INT PRIMARY KEY)");
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void many_callers_at_once_each_find_their_work_committed_when_they_return() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(16);
        List<Future<Long>> counts = new ArrayList<>();

        for (int i = 0; i < 500; i++) {
            int id = i;
            counts.add(callers.submit(() -> jdbc.grouped("insert", connection -> {
                Jdbc.prepare(connection, "INSERT INTO group_test (id) VALUES (?)", id).executeUpdate();
                return (long) id;
            })));
        }
        for (Future<Long> count : counts) {
            long id = count.get();
            assertEquals(1, jdbc.query("SELECT id FROM group_test WHERE id = ?", rs -> rs.getLong(1), id).size());
        }
        callers.shutdown();

        assertEquals(500L, jdbc.one("SELECT COUNT(*) FROM group_test", rs -> rs.getLong(1)).orElseThrow());
    }

    @Test
    void a_failing_piece_is_undone_alone_and_its_caller_hears_why() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(8);
        List<Future<Integer>> fine = new ArrayList<>();

        Future<Integer> failing = callers.submit(() -> jdbc.grouped("insert twice", connection -> {
            Jdbc.prepare(connection, "INSERT INTO group_test (id) VALUES (?)", 1_000).executeUpdate();
            Jdbc.prepare(connection, "INSERT INTO group_test (id) VALUES (?)", 1_000).executeUpdate();
            return 0;
        }));
        for (int i = 0; i < 50; i++) {
            int id = i;
            fine.add(callers.submit(() -> jdbc.grouped("insert", connection ->
                    Jdbc.prepare(connection, "INSERT INTO group_test (id) VALUES (?)", id).executeUpdate())));
        }
        for (Future<Integer> each : fine) {
            assertEquals(1, each.get());
        }
        Exception refused = assertThrows(Exception.class, failing::get);
        callers.shutdown();

        assertInstanceOf(StoreException.class, refused.getCause());
        assertInstanceOf(SQLException.class, refused.getCause().getCause());
        assertEquals(50L, jdbc.one("SELECT COUNT(*) FROM group_test", rs -> rs.getLong(1)).orElseThrow());
    }
}
