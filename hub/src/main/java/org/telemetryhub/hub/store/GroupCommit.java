package org.telemetryhub.hub.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.core.StoreException;

/**
 * Commits many small transactions as one. A store's cost is per commit (H2 writes a chunk, PostgreSQL flushes its
 * WAL), so the small transactions that arrive while one commits wait and go together in the next: each in its own
 * savepoint, so one that fails is rolled back alone, and each caller returns only once the commit that holds its work
 * is done. A piece that failed in the group, or every piece when the commit itself failed (a deadlock between nodes,
 * say), runs once more in a transaction of its own, and its caller hears how that went. One thread, started on first
 * use.
 */
final class GroupCommit implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    /** At most this many pieces of work share a commit, so one commit never holds locks for long. */
    private static final int MAX_GROUP = 256;

    private final Database database;
    private final BlockingQueue<Piece<?>> queue = new LinkedBlockingQueue<>();
    private Thread thread;
    private volatile boolean closed;

    GroupCommit(Database database) {
        this.database = database;
    }

    /** Runs {@code work} in a transaction shared with others; returns once that transaction is committed. */
    <T> T run(String what, Jdbc.Work<T> work) {
        try {
            return submit(what, work).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StoreException stored) {
                throw stored;
            }
            throw new StoreException(what, e.getCause() instanceof Exception cause ? cause : e);
        }
    }

    /**
     * Queues {@code work} for a transaction shared with others; the answer completes once that transaction is
     * committed (with a {@link StoreException} when the work failed), on the committing thread, so what follows it
     * must be quick.
     */
    <T> CompletableFuture<T> submit(String what, Jdbc.Work<T> work) {
        Piece<T> piece = new Piece<>(what, work);
        if (closed) {
            piece.done.completeExceptionally(new StoreException(what, new SQLException("the store is closed")));
            return piece.done;
        }
        start();
        queue.add(piece);
        return piece.done;
    }

    private synchronized void start() {
        if (thread == null) {
            thread = new Thread(this::loop, "group-commit");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void loop() {
        List<Piece<?>> group = new ArrayList<>();
        while (!closed) {
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(group, MAX_GROUP - 1);
            commit(group);
            group.clear();
        }
        Piece<?> left;
        while ((left = queue.poll()) != null) {
            left.done.completeExceptionally(new StoreException(left.what, new SQLException("the store is closed")));
        }
    }

    private void commit(List<Piece<?>> group) {
        try (Connection connection = database.connection()) {
            connection.setAutoCommit(false);
            try {
                for (Piece<?> piece : group) {
                    piece.runIn(connection);
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("event=group_commit_failed pieces={} error={}", group.size(), e.toString());
            group.forEach(this::alone);
            return;
        }
        for (Piece<?> piece : group) {
            if (piece.failed()) {
                alone(piece); // it may have failed for the group's sake (a lock another node held): once more alone
            } else {
                piece.complete();
            }
        }
    }

    private void alone(Piece<?> piece) {
        piece.reset();
        try (Connection connection = database.connection()) {
            connection.setAutoCommit(false);
            try {
                piece.runIn(connection);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
            piece.complete();
        } catch (SQLException | RuntimeException e) {
            piece.done.completeExceptionally(e instanceof StoreException ? e : new StoreException(piece.what, e));
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One caller's transaction: its work, and what it gave or threw once run. */
    private static final class Piece<T> {
        final String what;
        final Jdbc.Work<T> work;
        final CompletableFuture<T> done = new CompletableFuture<>();
        private T result;
        private Exception failure;

        Piece(String what, Jdbc.Work<T> work) {
            this.what = what;
            this.work = work;
        }

        /** Runs the work in its own savepoint: a failure undoes this piece only. */
        void runIn(Connection connection) throws SQLException {
            Savepoint savepoint = connection.setSavepoint();
            try {
                result = work.run(connection);
            } catch (SQLException | RuntimeException e) {
                connection.rollback(savepoint);
                failure = e;
                return;
            }
            connection.releaseSavepoint(savepoint);
        }

        boolean failed() {
            return failure != null;
        }

        void reset() {
            result = null;
            failure = null;
        }

        void complete() {
            if (failure == null) {
                done.complete(result);
            } else {
                done.completeExceptionally(failure instanceof StoreException
                        ? failure : new StoreException(what, failure));
            }
        }
    }
}
