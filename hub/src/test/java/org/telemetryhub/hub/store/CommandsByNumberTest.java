package org.telemetryhub.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.config.ConfigLoader;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.Command;

class CommandsByNumberTest {

    private static final String OLD_ID = "q0Xc3Vb7Nm1Lk5Jh9Gf2Ds";

    @TempDir
    Path dir;

    @Test
    void a_command_stored_before_the_migration_keeps_working_under_its_number_and_its_old_id() throws SQLException {
        HubConfig.Store config = HubConfig.from(ConfigLoader.settings(Map.of("store.dir", dir.toString()))).store();
        Flyway.configure().dataSource(config.url(), "", "").locations("classpath:db/migration").target("10").load()
                .migrate();
        try (Connection connection = DriverManager.getConnection(config.url());
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO devices (device_id, active_id, fleet, secret_hash, report_interval_ms, "
                    + "created_at) VALUES ('old-valve', 'old-valve', 'default', 'hash', 1000, 1)");
            statement.execute("INSERT INTO commands (command_id, device_key, name, args, status, created_at, "
                    + "expires_at) SELECT '" + OLD_ID + "', device_key, 'reboot', '{}', 'queued', 1, "
                    + Long.MAX_VALUE + " FROM devices");
        }

        Database database = Database.open(config);
        try {
            JdbcCommandStore store = new JdbcCommandStore(database);
            Optional<Command> found = store.find("1-" + OLD_ID);

            assertTrue(found.isPresent());
            assertEquals("1-" + OLD_ID, found.get().commandId());
            assertEquals(Optional.empty(), store.find(OLD_ID));
            assertEquals(Command.Status.DELIVERED, store.delivered("1-" + OLD_ID, 2).join().orElseThrow().status());
        } finally {
            database.close();
        }
    }
}
