package org.telemetryhub.hub.ingest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.core.ReadingStore.Outcome;
import org.telemetryhub.hub.core.ReadingStore.Write;
import org.telemetryhub.hub.ops.HubMetrics;

/**
 * Stores whatever writes have queued up, from every connection, in one transaction: durability costs one sync per
 * batch, not per reading. The thread that submits a write commits it itself when no commit is under way, together
 * with whatever else is queued, and then sends what the commit decided (the fan-out, then the acks); while a commit
 * runs, later writes queue for the next. A thread commits at most {@link #ROUNDS} batches in a row and then hands
 * the rest to the writer thread, so under a sustained load one connection's thread is not kept from its own frames.
 * Each commit hands its verdicts out on the thread that committed it, before the next commit starts: feed events and
 * acks go out in commit order. A write's future completes only after the commit that holds it, and fails (acking
 * nothing) when the commit fails.
 */
public final class GroupCommitter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);
    /**
     * Batches one submitting thread commits in a row before the writer thread takes over. A submitter that commits
     * spares two thread hand-offs per commit (to a writer thread, then to one that sends the verdicts), which at
     * 10,000 single readings a second were most of the hub's thread wake-ups after Jetty's own.
     */
    static final int ROUNDS = 4;
    private static final long IDLE_NANOS = 50_000_000;

    /** Hears of every commit, in commit order, on the thread that committed it; must not block. */
    @FunctionalInterface
    public interface Listener {
        void committed(List<Write> writes, List<List<Outcome>> outcomes);
    }

    private record Job(Write write, CompletableFuture<List<Outcome>> done) {}

    private final ReadingStore store;
    private final HubMetrics metrics;
    private final int maxBatchReadings;
    private final Listener listener;
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    /** Held by the thread committing; the others only queue. */
    private final ReentrantLock committing = new ReentrantLock();
    private final Thread writer;
    private boolean accepting = true;
    private volatile boolean running = true;

    public GroupCommitter(ReadingStore store, HubMetrics metrics, int maxBatchReadings, Listener listener) {
        this.store = store;
        this.metrics = metrics;
        this.maxBatchReadings = maxBatchReadings;
        this.listener = listener;
        this.writer = new Thread(this::run, "reading-commit");
        metrics.gauge("hub.commit.queue", "Writes waiting for the next group commit", this::queued);
    }

    public void start() {
        writer.start();
    }

    public CompletableFuture<List<Outcome>> submit(Write write) {
        CompletableFuture<List<Outcome>> done = new CompletableFuture<>();
        synchronized (queue) {
            if (!accepting) {
                done.completeExceptionally(new IllegalStateException("the hub is shutting down"));
                return done;
            }
            queue.add(new Job(write, done));
        }
        if (committing.tryLock()) {
            try {
                commitQueued(ROUNDS);
            } finally {
                committing.unlock();
            }
            if (queued() > 0) {
                LockSupport.unpark(writer);
            }
        }
        // else the committing thread finds it: it looks at the queue after letting go of the lock
        return done;
    }

    /** The writer thread: takes over what submitters left queued, and commits the rest on close. */
    private void run() {
        while (running || queued() > 0) {
            while (queued() > 0 && committing.tryLock()) {
                try {
                    commitQueued(Integer.MAX_VALUE);
                } finally {
                    committing.unlock();
                }
            }
            LockSupport.parkNanos(this, IDLE_NANOS);
        }
    }

    /** Commits queued batches, at most {@code rounds}. Holds {@link #committing}. */
    private void commitQueued(int rounds) {
        List<Job> batch = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            int readings = 0;
            synchronized (queue) {
                Job next;
                while (readings < maxBatchReadings && (next = queue.poll()) != null) {
                    batch.add(next);
                    readings += next.write().readings().size();
                }
            }
            if (batch.isEmpty()) {
                return;
            }
            commit(batch, readings);
            batch.clear();
        }
    }

    private int queued() {
        synchronized (queue) {
            return queue.size();
        }
    }

    private void commit(List<Job> batch, int readings) {
        long started = System.nanoTime();
        List<Write> writes = new ArrayList<>(batch.size());
        batch.forEach(job -> writes.add(job.write()));
        List<List<Outcome>> outcomes;
        try {
            outcomes = store.write(writes);
        } catch (RuntimeException e) {
            log.error("event=commit_failed writes={} readings={}", batch.size(), readings, e);
            batch.forEach(job -> job.done().completeExceptionally(e));
            return;
        }
        metrics.commit(readings, System.nanoTime() - started);
        announce(batch, writes, outcomes);
    }

    /**
     * After a commit: the fan-out (which only hands events on), then acks and rejections. So the time the fan-out
     * stamps on a reading is its commit's, whatever a device does once acked.
     */
    private void announce(List<Job> batch, List<Write> writes, List<List<Outcome>> outcomes) {
        try {
            listener.committed(writes, outcomes);
        } catch (RuntimeException e) {
            log.error("event=commit_listener_failed", e);
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done().complete(outcomes.get(i));
        }
    }

    /** Refuses new writes, commits every queued one, and stops the writer. */
    @Override
    public void close() {
        synchronized (queue) {
            accepting = false;
        }
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
