package org.telemetryhub.hub.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.telemetryhub.hub.config.HubConfig;

/** The connection pool and the schema: versioned migrations under {@code db/migration}, run at start. */
public final class Database implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    public static Database open(HubConfig.Store config) {
        try {
            Files.createDirectories(config.dir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create store.dir " + config.dir(), e);
        }
        if (config.url().startsWith("jdbc:h2:file:") && !config.url().toUpperCase(java.util.Locale.ROOT)
                .contains("WRITE_DELAY=0")) {
            log.warn("event=store_not_crash_safe url_lacks=WRITE_DELAY=0 effect=\"acked readings may be lost if the "
                    + "hub is killed\"");
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.url());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setPoolName("store");
        hikari.setAutoCommit(true);
        hikari.setConnectionTimeout(5_000);
        HikariDataSource pool = new HikariDataSource(hikari);
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(pool);
    }

    public DataSource dataSource() {
        return pool;
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** True when a round trip to the database answers within a second. */
    public boolean isReady() {
        if (pool.isClosed()) {
            return false;
        }
        try (Connection connection = pool.getConnection()) {
            return connection.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
