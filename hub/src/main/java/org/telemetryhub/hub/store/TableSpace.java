package org.telemetryhub.hub.store;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an H2 file from growing without bound. H2 writes every commit as a new chunk and leaves the pages a later
 * commit did not rewrite (a full leaf of a device's log, say) live in old chunks, so with commits written at once
 * ({@code WRITE_DELAY=0}, which has no background thread to tidy up) the file only grows until a clean stop. After
 * each table flush this rewrites the live pages of the emptiest chunks, so whole chunks become free and H2 reuses
 * their space once its retention time (45 s, which keeps a crash recoverable) has passed. It reaches H2's own store
 * through its engine classes: the version is pinned in the build.
 */
final class TableSpace {

    private static final Logger log = LoggerFactory.getLogger(TableSpace.class);

    /** Chunks less full than this are rewritten (percent of their bytes still live). */
    private static final int TARGET_FILL_RATE = 50;
    /** At most this many bytes are rewritten per call, so a flush is never held up for long. */
    private static final int MAX_REWRITE_BYTES = 16 << 20;

    private final Database database;

    TableSpace(Database database) {
        this.database = database;
    }

    /**
     * Rewrites the live pages of chunks below the target fill rate, up to a bound. A failure costs only space: it is
     * logged, and the next flush tries again.
     */
    void tidy() {
        try (Connection connection = database.connection()) {
            SessionLocal session = (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
            MVStore store = session.getDatabase().getStore().getMvStore();
            store.compact(TARGET_FILL_RATE, MAX_REWRITE_BYTES);
        } catch (SQLException | RuntimeException e) {
            log.warn("event=store_tidy_failed effect=\"the file may grow until the next flush tidies it\"", e);
        }
    }
}
