package org.telemetryhub.hub.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.telemetryhub.hub.config.HubConfig;

/** The connection pool and the schema: versioned migrations under {@code db/migration}, run at start. */
public final class Database implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;
    private final boolean h2;
    private final GroupCommit group = new GroupCommit(this);

    private Database(HikariDataSource pool, boolean h2) {
        this.pool = pool;
        this.h2 = h2;
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
            Flyway.configure().dataSource(pool).locations("classpath:db/migration")
                    .javaMigrations(new CommandsByNumber(), new ReadingsInBlocks()).load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(pool, config.isH2());
    }

    public DataSource dataSource() {
        return pool;
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** True for H2, whose store has one hub; false for PostgreSQL, which several nodes may share. */
    public boolean isH2() {
        return h2;
    }

    /** The transactions that commit together: see {@link GroupCommit}. */
    GroupCommit group() {
        return group;
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

    /**
     * Closes the pool. An H2 database is shut down first, so that it closes while this process still runs, and
     * compacted on the way: H2 reuses the space that commits free only after its retention time (45 s), so a file
     * holds the pages of the last run's flushes besides its live data until it is rewritten. The rewrite goes to a
     * new file that replaces the old one at the end, so a stop killed half-way leaves the old file whole.
     */
    @Override
    public void close() {
        group.close();
        if (h2 && !pool.isClosed()) {
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                long started = System.nanoTime();
                statement.execute("SHUTDOWN COMPACT");
                log.info("event=store_compacted ms={}", (System.nanoTime() - started) / 1_000_000);
            } catch (SQLException e) {
                if (!"90121".equals(e.getSQLState())) { // closed by the shutdown itself: what was asked for
                    log.warn("event=store_shutdown_failed", e);
                }
            }
        }
        pool.close();
    }
}
