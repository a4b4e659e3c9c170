package org.telemetryhub.hub.store;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.telemetryhub.hub.core.StoreException;

/**
 * Keeps an H2 file from growing without bound. H2 writes every commit as a new chunk and leaves the pages a later
 * commit did not rewrite (a full leaf of a device's log, say) live in old chunks, so with commits written at once
 * ({@code WRITE_DELAY=0}, which has no background thread to tidy up) the file only grows until a clean stop. After
 * each table flush this rewrites the live pages of the emptiest chunks, so whole chunks become free and H2 reuses
 * their space. It reaches H2's own store through its engine classes: the version is pinned in the build.
 */
final class TableSpace {

    /** Chunks less full than this are rewritten (percent of their bytes still live). */
    private static final int TARGET_FILL_RATE = 50;
    /** At most this many bytes are rewritten per call, so a flush is never held up for long. */
    private static final int MAX_REWRITE_BYTES = 4 << 20;
    /** Freed chunks are reused after this long: enough for a reader of an older version to finish. */
    private static final int RETENTION_MS = 1_000;

    private final Database database;

    TableSpace(Database database) {
        this.database = database;
    }

    /** Lets freed chunks be reused soon; a no-op on other databases. */
    void start() {
        withStore(store -> store.setRetentionTime(RETENTION_MS));
    }

    /** Rewrites the live pages of chunks below the target fill rate, up to a bound. */
    void tidy() {
        withStore(store -> store.compact(TARGET_FILL_RATE, MAX_REWRITE_BYTES));
    }

    private void withStore(java.util.function.Consumer<MVStore> action) {
        try (Connection connection = database.connection()) {
            if (!connection.isWrapperFor(JdbcConnection.class)) {
                return;
            }
            SessionLocal session = (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
            action.accept(session.getDatabase().getStore().getMvStore());
        } catch (SQLException e) {
            throw new StoreException("tidy the H2 file", e);
        }
    }
}
