package org.telemetryhub.hub.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.core.ReadingStore.Outcome;
import org.telemetryhub.hub.core.ReadingStore.Write;
import org.telemetryhub.hub.ops.HubMetrics;

/**
 * One writer thread that stores whatever writes have queued up, from every connection, in one transaction: while a
 * commit runs the next batch gathers, so durability costs one sync per batch, not per reading. A write's future
 * completes only after the commit that holds it, and fails (acking nothing) when the commit fails. Completing the
 * futures and the fan-out run on a second thread, in commit order, so they do not hold up the next commit.
 */
public final class GroupCommitter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);

    /** Hears of every commit on the writer thread, in commit order; must not block. */
    @FunctionalInterface
    public interface Listener {
        void committed(List<Write> writes, List<List<Outcome>> outcomes);
    }

    private record Job(Write write, CompletableFuture<List<Outcome>> done) {}

    private final ReadingStore store;
    private final HubMetrics metrics;
    private final int maxBatchReadings;
    private final Listener listener;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    /** Sends what a commit decided, so the writer can start the next commit meanwhile; one thread keeps the order. */
    private final java.util.concurrent.ExecutorService verdicts =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> new Thread(r, "commit-verdicts"));
    private boolean accepting = true;
    private volatile boolean running = true;

    public GroupCommitter(ReadingStore store, HubMetrics metrics, int maxBatchReadings, Listener listener) {
        this.store = store;
        this.metrics = metrics;
        this.maxBatchReadings = maxBatchReadings;
        this.listener = listener;
        this.writer = new Thread(this::run, "group-commit");
        metrics.gauge("hub.commit.queue", "Writes waiting for the next group commit", queue::size);
    }

    public void start() {
        writer.start();
    }

    public CompletableFuture<List<Outcome>> submit(Write write) {
        CompletableFuture<List<Outcome>> done = new CompletableFuture<>();
        synchronized (queue) {
            if (accepting) {
                queue.add(new Job(write, done));
                return done;
            }
        }
        done.completeExceptionally(new IllegalStateException("the hub is shutting down"));
        return done;
    }

    private void run() {
        List<Job> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Job first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                int readings = first.write().readings().size();
                Job next;
                while (readings < maxBatchReadings && (next = queue.poll()) != null) {
                    batch.add(next);
                    readings += next.write().readings().size();
                }
                commit(batch, readings);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Job> batch, int readings) {
        long started = System.nanoTime();
        List<Write> writes = batch.stream().map(Job::write).toList();
        List<List<Outcome>> outcomes;
        try {
            outcomes = store.write(writes);
        } catch (RuntimeException e) {
            log.error("event=commit_failed writes={} readings={}", batch.size(), readings, e);
            batch.forEach(job -> job.done().completeExceptionally(e));
            return;
        }
        metrics.commit(readings, System.nanoTime() - started);
        List<Job> committed = List.copyOf(batch);
        verdicts.execute(() -> announce(committed, writes, outcomes));
    }

    /**
     * After a commit, on the verdict thread (in commit order): the fan-out (which only hands events on), then acks and
     * rejections. So the time the fan-out stamps on a reading is its commit's, whatever a device does once acked.
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
        try {
            writer.join(30_000);
            verdicts.shutdown();
            verdicts.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
