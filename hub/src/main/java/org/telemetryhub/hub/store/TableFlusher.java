package org.telemetryhub.hub.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that moves the log into the query tables: it waits until a batch is big enough or old enough, writes
 * it in one transaction with the checkpoint, then takes it off the device tails and deletes the log segments the
 * tables now hold. The writer waits for room only when the tables fall far behind, so memory stays bounded.
 */
final class TableFlusher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TableFlusher.class);
    private static final long RETRY_MS = 1_000;
    /**
     * A flush writes one block per device it touches, so it is due once its blocks would hold this many readings on
     * average (and it holds at least {@link #MIN_FULL_FLUSH} entries): a thousand devices then flush every 50,000
     * entries, two hundred every 10,000. Blocks of 200 (a flush a quarter as often) gave a worse ack p99 at 20,000
     * readings/s paced (41 and 57 ms against 26 and 19): each flush's longer work and larger transaction.
     */
    static final int FULL_BLOCK = 50;
    static final int MIN_FULL_FLUSH = 5_000;
    /**
     * The share of one core a flush may take while the tables keep up: it pauses after each of its commits for
     * three times as long as the part took. A flush moves seconds of readings in a fraction of a second, and at full
     * speed that burst took a core from the connections while the load was already near the machine's capacity: at
     * 20,000 readings/s, 0.2-0.6 s of flush every 2.5 s, and the ack p99 followed it (50-100 ms). Spread out, the
     * same work costs the connections little at any moment. A flush that falls behind (the writer waits for room,
     * or the hub stops) runs at full speed.
     */
    static final double FLUSH_SHARE = 0.25;

    private final TableFlush flush;
    private final TableSpace space;
    private final ReadingLog readingLog;
    private final Map<Long, DeviceTail> tails;
    private final LoggedReadingStore.Settings settings;
    private final LoggedReadingStore.FlushListener listener;
    private final Thread thread;
    private Pending pending = new Pending();
    private long pendingPosition;
    /** The log position the tables hold up to, as of the last flush. */
    private long flushedPosition;
    /** Entries of the flush under way. */
    private int inFlight;
    private long oldestAt;
    private boolean flushing;
    private boolean urgent;
    private boolean closing;
    /**
     * Odd from just before each of a flush's transactions commits until its entries are off the tails: only then may
     * a read that adds a tail to the tables count an entry twice, so such a read waits or repeats (the long part of a
     * flush, the inserts, runs while it is even).
     */
    private volatile long generation;

    TableFlusher(TableFlush flush, TableSpace space, ReadingLog readingLog, Map<Long, DeviceTail> tails,
                 LoggedReadingStore.Settings settings, LoggedReadingStore.FlushListener listener) {
        this.flush = flush;
        this.space = space;
        this.readingLog = readingLog;
        this.tails = tails;
        this.settings = settings;
        this.listener = listener;
        this.thread = new Thread(this::run, "table-flush");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Holds the writer while the tables lag by more than the allowed number of entries. */
    synchronized void awaitRoom(int entries) {
        while (!closing && pending.size() + entries > settings.maxUnflushed() && !pending.isEmpty()) {
            urgent = true;
            notifyAll();
            try {
                wait(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the tables caught up", e);
            }
        }
    }

    /** Entries the log now holds up to {@code position}, already in the tails, of these devices. */
    synchronized void appended(List<LogEntry> entries, Collection<Long> devices, long position) {
        if (pending.isEmpty()) {
            oldestAt = System.nanoTime();
        }
        pending.add(entries, devices);
        pendingPosition = position;
        if (due()) {
            notifyAll();
        }
    }

    synchronized int unflushed() {
        return pending.size() + (flushing ? inFlight : 0);
    }

    /** Runs a read that spans tails and tables when no flush is moving entries between them, or again. */
    <T> T consistent(Supplier<T> read) {
        while (true) {
            long before = generation;
            if ((before & 1) == 0) {
                T value = read.get();
                if (generation == before) {
                    return value;
                }
            } else {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return read.get();
                }
            }
        }
    }

    /** Waits until everything appended so far is in the tables. */
    synchronized void flushNow() {
        long wanted = pendingPosition;
        urgent = true;
        notifyAll();
        while (thread.isAlive() && (flushing || !pending.isEmpty()) && flushedPosition < wanted) {
            try {
                wait(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void run() {
        while (true) {
            Pending batch;
            long position;
            synchronized (this) {
                while (!closing && !urgent && !due()) {
                    try {
                        wait(pending.isEmpty() ? settings.flushIntervalMs() : remainingMs());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (pending.isEmpty()) {
                    urgent = false;
                    if (closing) {
                        return;
                    }
                    continue;
                }
                batch = pending;
                inFlight = batch.size();
                position = pendingPosition;
                pending = new Pending();
                flushing = true;
                urgent = false;
            }
            boolean done = move(batch, position);
            synchronized (this) {
                flushing = false;
                if (done) {
                    flushedPosition = position;
                } else {
                    batch.absorb(pending);
                    pending = batch;
                }
                notifyAll();
            }
            if (!done) {
                if (closing) {
                    return; // still in the log: the next start moves it
                }
                pause();
            }
        }
    }

    private boolean due() {
        return !pending.isEmpty() && (pending.size() >= settings.flushReadings()
                || pending.size() >= Math.max(MIN_FULL_FLUSH, (long) FULL_BLOCK * pending.devices.size())
                || System.nanoTime() - oldestAt >= settings.flushIntervalMs() * 1_000_000);
    }

    /** How long until the oldest pending entry is due; at least a millisecond, as {@code wait(0)} waits for ever. */
    private long remainingMs() {
        return Math.max(1, settings.flushIntervalMs() - (System.nanoTime() - oldestAt) / 1_000_000);
    }

    /** Writes one batch into the tables and takes it off the tails; false when the tables refused it. */
    private boolean move(Pending batch, long position) {
        long started = System.nanoTime();
        Pace pace = new Pace();
        try {
            readingLog.writeDelayed();
            flush.write(batch.from(tails), position, new TableFlush.Progress() {
                @Override
                public void committing() {
                    generation++;
                }

                @Override
                public void committed(Map<Long, Long> through) {
                    through.forEach((key, offset) -> {
                        DeviceTail tail = tails.get(key);
                        if (tail != null) {
                            tail.flushed(offset, 0, 0);
                        }
                    });
                    generation++;
                    pace.pause();
                }
            });
        } catch (RuntimeException e) {
            if ((generation & 1) == 1) {
                generation++;
            }
            log.error("event=table_flush_failed entries={} effect=\"kept in the log, retried\"", batch.size(), e);
            return false;
        }
        Map<Long, long[]> flushed = new HashMap<>(); // device key -> highest offset, rejections, rejected-set changes
        batch.through.forEach((key, offset) -> flushed.computeIfAbsent(key, k -> new long[3])[0] = offset[0]);
        for (LogEntry entry : batch.others) {
            long[] upTo = flushed.computeIfAbsent(entry.deviceKey(), k -> new long[3]);
            if (entry instanceof LogEntry.Rejected) {
                upTo[1]++;
            } else {
                upTo[2]++;
            }
        }
        flushed.forEach((key, upTo) -> {
            DeviceTail tail = tails.get(key);
            if (tail != null) {
                tail.flushed(upTo[0], (int) upTo[1], (int) upTo[2]);
            }
        });
        generation++;
        readingLog.trim(position);
        listener.flushed(batch.size(), System.nanoTime() - started);
        space.tidy();
        return true;
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Moves whatever is left into the tables and stops the thread. */
    @Override
    public void close() {
        synchronized (this) {
            closing = true;
            notifyAll();
        }
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The entries the log holds and the tables do not, as a flush takes them: the readings stay packed in their
     * devices' tails and are counted here with the highest offset per device, so a flush can unpack one device at a
     * time; rejections and rejected-set changes are few and wait here as they are.
     */
    private static final class Pending {
        /** Device key to the highest offset of its readings waiting (a one-element array, updated in place). */
        final Map<Long, long[]> through = new HashMap<>();
        /** Rejections and rejected-set changes, in log order. */
        final List<LogEntry> others = new ArrayList<>();
        /** Every device with an entry waiting. */
        final Set<Long> devices = new HashSet<>();
        int readings;

        void add(List<LogEntry> entries, Collection<Long> touched) {
            for (LogEntry entry : entries) {
                if (entry instanceof LogEntry.Stored s) {
                    long[] offset = through.computeIfAbsent(s.deviceKey(), k -> new long[1]);
                    offset[0] = Math.max(offset[0], s.offset());
                    readings++;
                } else {
                    others.add(entry);
                }
            }
            devices.addAll(touched);
        }

        /** Takes in what came after this batch, whose flush failed, so that both are flushed together. */
        void absorb(Pending later) {
            later.through.forEach((key, offset) ->
                    through.merge(key, offset, (a, b) -> a[0] >= b[0] ? a : b));
            others.addAll(later.others);
            devices.addAll(later.devices);
            readings += later.readings;
        }

        int size() {
            return readings + others.size();
        }

        boolean isEmpty() {
            return size() == 0;
        }

        /** The batch for the tables: each device's readings unpacked from its tail when the flush comes to it. */
        TableFlush.Batch from(Map<Long, DeviceTail> tails) {
            return new TableFlush.Batch() {
                @Override
                public Collection<Long> devices() {
                    return through.keySet();
                }

                @Override
                public List<LogEntry.Stored> readings(long deviceKey) {
                    DeviceTail tail = tails.get(deviceKey);
                    long[] offset = through.get(deviceKey);
                    return tail == null || offset == null ? List.of() : tail.readingsThrough(offset[0]);
                }

                @Override
                public List<LogEntry> others() {
                    return others;
                }
            };
        }
    }

    /** Holds a flush to {@link #FLUSH_SHARE} of a core unless it is behind. */
    private final class Pace {
        private long sliceStart = System.nanoTime();

        void pause() {
            long worked = System.nanoTime() - sliceStart;
            boolean behind;
            synchronized (TableFlusher.this) {
                behind = urgent || closing || pending.size() >= settings.flushReadings();
            }
            if (!behind) {
                LockSupport.parkNanos((long) (worked * (1 / FLUSH_SHARE - 1)));
            }
            sliceStart = System.nanoTime();
        }
    }
}
