package org.telemetryhub.hub.store;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.ReadingCursor;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.core.RejectedSeq;
import org.telemetryhub.protocol.Reading;

/**
 * The H2 store's write path: a commit is one append to the {@link ReadingLog} (the ack point), decided against
 * per-device cursors and dedup state held in memory; a {@link TableFlusher} moves the log into the query tables in
 * large sorted batches behind it, each device's readings of a batch as one block ({@link BlockTables}); the cursor
 * rows, rejections and rejected-seq sets stay in the tables of the {@link JdbcReadingStore}. Every read adds the
 * device's {@link DeviceTail} (what the log holds and the blocks not yet) to what the tables answer, so an acked
 * reading is seen at once. At start, whatever the log holds past the tables' checkpoint is moved into the tables
 * before anything is served, so the cursors start from the tables.
 * {@link #write} is called by one thread at a time (the group commit's); reads come from any thread.
 */
public final class LoggedReadingStore implements ReadingStore, ReadingCursor.Live, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LoggedReadingStore.class);
    private static final int REPLAY_BATCH = 20_000;

    /** Hears of each table flush: how many log entries it moved and how long it took. */
    @FunctionalInterface
    public interface FlushListener {
        void flushed(int entries, long nanos);
    }

    /** How the log and its flush into the tables behave. */
    public record Settings(Path dir, ReadingLog.Sync sync, long segmentBytes, long flushIntervalMs,
                           int flushReadings, int maxUnflushed) {

        private static final long SEGMENT_BYTES = 16L << 20;

        /**
         * The log in {@code <store.dir>/log}, in 16 MB segments (a segment goes once the tables hold all of it, so the
         * log keeps little more than one); the writer waits at 2 × {@code flushReadings}: readings waiting for the
         * tables are held in memory (about 150 bytes each in their log form, 15 MB at this bound with the defaults;
         * when they were parsed readings of 600 bytes, 4 × under a sustained 15,000 readings/s filled a 256 MB heap
         * within a minute, after which the hub spent its time collecting garbage and the flush fell further behind).
         */
        public static Settings of(HubConfig.Store config) {
            return new Settings(config.dir().resolve("log"),
                    ReadingLog.Sync.valueOf(config.sync().toUpperCase(Locale.ROOT)), SEGMENT_BYTES,
                    config.flushIntervalMs(), config.flushReadings(), 2 * config.flushReadings());
        }
    }

    private final JdbcReadingStore tables;
    private final BlockTables blocks;
    private final RejectedSeqTable rejectedTable;
    private final ReadingLog readingLog;
    private final TableFlusher flusher;
    private final Clock clock;
    private final Map<Long, DeviceTail> tails = new ConcurrentHashMap<>();

    public LoggedReadingStore(Database database, Settings settings, Clock clock) {
        this(database, settings, clock, (entries, nanos) -> { });
    }

    public LoggedReadingStore(Database database, Settings settings, Clock clock, FlushListener listener) {
        this.tables = new JdbcReadingStore(database, clock);
        this.blocks = new BlockTables(database);
        this.rejectedTable = new RejectedSeqTable(database);
        this.clock = clock;
        TableFlush flush = new TableFlush(database);
        this.readingLog = recover(settings, flush);
        this.flusher = new TableFlusher(flush, new TableSpace(database), readingLog, tails, settings, listener);
    }

    /** Opens the log and moves into the tables every entry past their checkpoint, in batches. */
    private static ReadingLog recover(Settings settings, TableFlush flush) {
        long checkpoint = flush.checkpoint();
        List<LogEntry> batch = new ArrayList<>();
        long[] replayed = {0};
        ReadingLog opened = ReadingLog.open(settings.dir(), settings.sync(), settings.segmentBytes(), checkpoint,
                (payload, end) -> {
                    batch.add(LogEntry.decode(payload));
                    replayed[0]++;
                    if (batch.size() >= REPLAY_BATCH) {
                        flush.write(TableFlush.Batch.of(batch), end, TableFlush.Progress.NONE);
                        batch.clear();
                    }
                });
        flush.write(TableFlush.Batch.of(batch), opened.position(), TableFlush.Progress.NONE);
        opened.trim(opened.position());
        if (replayed[0] > 0) {
            log.info("event=reading_log_replayed entries={}", replayed[0]);
        }
        return opened;
    }

    @Override
    public ReadingCursor.Live live() {
        return this;
    }

    @Override
    public void start() {
        flusher.start();
    }

    @Override
    public List<List<Outcome>> write(List<Write> writes) {
        long now = clock.millis();
        Map<Long, Staged> staged = new HashMap<>();
        List<List<Outcome>> outcomes = new ArrayList<>(writes.size());
        List<LogEntry> entries = new ArrayList<>();
        for (Write write : writes) {
            long key = write.device().key();
            Staged stage = staged.get(key);
            if (stage == null) {
                DeviceTail tail = tail(key);
                if (tail == null) {
                    outcomes.add(write.readings().stream().<Outcome>map(r -> new Outcome.DeviceGone()).toList());
                    continue;
                }
                stage = new Staged(key, tail, blocks, rejectedTable, flusher);
                staged.put(key, stage);
            }
            List<Outcome> results = new ArrayList<>(write.readings().size());
            List<Rejection> rejections = new ArrayList<>(write.rejections());
            for (Reading reading : write.readings()) {
                Outcome outcome = stage.place(reading, now);
                if (outcome instanceof Outcome.Conflict) {
                    rejections.add(new Rejection(reading.seq(), "seq_conflict",
                            ReadingStore.conflictMessage(write.device(), reading.seq()), now));
                } else if (outcome instanceof Outcome.Stored stored) {
                    entries.add(stage.lastStored());
                }
                results.add(outcome);
            }
            for (Rejection rejection : rejections) {
                entries.add(new LogEntry.Rejected(key, rejection));
                stage.rejected(rejection);
            }
            stage.seen(now);
            outcomes.add(results);
        }
        for (Staged stage : staged.values()) {
            LogEntry.RejectedSet change = stage.rejectedSetChange();
            if (change != null) {
                entries.add(change);
            }
        }
        if (entries.isEmpty()) {
            staged.values().forEach(Staged::apply);
            return outcomes;
        }
        List<byte[]> encoded = new ArrayList<>(entries.size());
        entries.forEach(entry -> encoded.add(LogEntry.encode(entry)));
        flusher.awaitRoom(entries.size());
        long position = readingLog.append(encoded);
        // readers see the commit only once the log holds it, and the flush only once the tails do
        staged.values().forEach(Staged::apply);
        flusher.appended(entries, staged.keySet(), position);
        return outcomes;
    }

    /** A device's tail, read from its cursor row the first time; null when the device is not provisioned. */
    private DeviceTail tail(long deviceKey) {
        DeviceTail tail = tails.get(deviceKey);
        if (tail != null && tail.mayBeGone()) {
            if (tables.cursor(deviceKey).isEmpty()) {
                return null;
            }
            tail.stillThere();
        }
        if (tail == null) {
            Optional<ReadingCursor> cursor = tables.cursor(deviceKey);
            if (cursor.isEmpty()) {
                return null;
            }
            tail = new DeviceTail(deviceKey, cursor.get());
            tails.put(deviceKey, tail);
        }
        return tail;
    }

    @Override
    public Optional<ReadingCursor> cursor(long deviceKey) {
        DeviceTail tail = tails.get(deviceKey);
        return tail == null ? Optional.empty() : Optional.of(tail.cursor());
    }

    /**
     * The device was deleted or changed: its next write reads its row again, and finds it gone if it was deleted.
     * Its tail stays until the tables hold it.
     */
    @Override
    public void recheck(long deviceKey) {
        DeviceTail tail = tails.get(deviceKey);
        if (tail != null) {
            tail.recheck();
        }
    }

    @Override
    public List<StoredReading> after(long deviceKey, long afterOffset, int limit) {
        DeviceTail tail = tails.get(deviceKey);
        if (tail == null) {
            return blocks.after(deviceKey, afterOffset, limit);
        }
        // the tail first: what the flush takes from it meanwhile is in the tables by the time they are read
        DeviceTail.Snapshot snapshot = tail.snapshot();
        List<StoredReading> out = new ArrayList<>();
        long last = afterOffset;
        if (afterOffset + 1 < snapshot.firstOffset()) {
            out.addAll(blocks.after(deviceKey, afterOffset, limit));
            if (!out.isEmpty()) {
                last = out.get(out.size() - 1).offset();
            }
        }
        for (LogEntry.Stored reading : snapshot.readings()) {
            if (out.size() >= limit) {
                break;
            }
            if (reading.offset() > last) {
                out.add(reading.decode());
                last = reading.offset();
            }
        }
        return out;
    }

    @Override
    public long lastOffset(long deviceKey) {
        DeviceTail tail = tails.get(deviceKey);
        return tail == null ? tables.lastOffset(deviceKey) : tail.cursor().lastOffset();
    }

    @Override
    public long firstOffset(long deviceKey) {
        DeviceTail tail = tails.get(deviceKey);
        long unflushed = tail == null ? tables.lastOffset(deviceKey) + 1 : tail.snapshot().firstOffset();
        Long inTables = blocks.minOffset(deviceKey);
        return inTables == null ? unflushed : Math.min(inTables, unflushed);
    }

    @Override
    public List<StoredReading> between(long deviceKey, long from, long to, int limit) {
        DeviceTail tail = tails.get(deviceKey);
        if (tail == null) {
            return blocks.between(deviceKey, from, to, limit);
        }
        DeviceTail.Snapshot snapshot = tail.snapshot();
        List<StoredReading> out = new ArrayList<>(blocks.between(deviceKey, from, to, limit));
        long last = out.isEmpty() ? 0 : out.get(out.size() - 1).offset();
        for (LogEntry.Stored reading : snapshot.readings()) {
            if (out.size() >= limit) {
                break;
            }
            if (reading.offset() > last && reading.ts() >= from && reading.ts() < to) {
                out.add(reading.decode());
            }
        }
        return out;
    }

    @Override
    public void scan(long deviceKey, long from, long to, Consumer<StoredReading> each) {
        DeviceTail tail = tails.get(deviceKey);
        if (tail == null) {
            blocks.scan(deviceKey, from, to, each);
            return;
        }
        DeviceTail.Snapshot snapshot = tail.snapshot();
        List<StoredReading> unflushed = new ArrayList<>();
        for (LogEntry.Stored reading : snapshot.readings()) {
            if (reading.ts() >= from && reading.ts() < to) {
                unflushed.add(reading.decode());
            }
        }
        unflushed.sort(Comparator.comparingLong(r -> r.reading().ts()));
        int[] next = {0};
        blocks.scan(deviceKey, from, to, stored -> {
            if (stored.offset() >= snapshot.firstOffset()) {
                return; // flushed after the snapshot: the snapshot has it
            }
            while (next[0] < unflushed.size() && unflushed.get(next[0]).reading().ts() < stored.reading().ts()) {
                each.accept(unflushed.get(next[0]++));
            }
            each.accept(stored);
        });
        while (next[0] < unflushed.size()) {
            each.accept(unflushed.get(next[0]++));
        }
    }

    @Override
    public List<Rejection> rejections(long deviceKey, int limit) {
        DeviceTail tail = tails.get(deviceKey);
        if (tail == null) {
            return tables.rejections(deviceKey, limit);
        }
        return flusher.consistent(() -> {
            List<Rejection> unflushed = tail.snapshot().rejections();
            List<Rejection> out = new ArrayList<>(limit);
            for (int i = unflushed.size() - 1; i >= 0 && out.size() < limit; i--) {
                out.add(unflushed.get(i));
            }
            if (out.size() < limit) {
                out.addAll(tables.rejections(deviceKey, limit - out.size()));
            }
            return out;
        });
    }

    @Override
    public List<RejectedSeq> rejectedSeqs(long deviceKey, long fromSeq, long toSeq, int limit) {
        DeviceTail tail = tails.get(deviceKey);
        if (tail == null) {
            return tables.rejectedSeqs(deviceKey, fromSeq, toSeq, limit);
        }
        return flusher.consistent(() -> {
            Map<Long, String> changes = tail.rejectedChanges(fromSeq, toSeq);
            Map<Long, String> merged = new TreeMap<>();
            for (RejectedSeq seq : tables.rejectedSeqs(deviceKey, fromSeq, toSeq, limit + changes.size())) {
                merged.put(seq.seq(), seq.code());
            }
            changes.forEach((seq, code) -> {
                if (code == null) {
                    merged.remove(seq);
                } else {
                    merged.put(seq, code);
                }
            });
            return merged.entrySet().stream().limit(limit).map(e -> new RejectedSeq(e.getKey(), e.getValue()))
                    .toList();
        });
    }

    @Override
    public int deleteStoredBefore(long deviceKey, long cutoff) {
        DeviceTail tail = tails.get(deviceKey);
        if (tail != null && tail.holdsStoredBefore(cutoff)) {
            flusher.flushNow(); // retention shorter than a flush: the expired readings must be in the tables
        }
        return blocks.deleteStoredBefore(deviceKey, cutoff);
    }

    /** Waits until the tables hold everything acked so far. */
    void flush() {
        flusher.flushNow();
    }

    /** Log entries the tables do not hold yet. */
    public int unflushed() {
        return flusher.unflushed();
    }

    /** Bytes of the log on disk (the tables' file is the database's). */
    public long logBytes() {
        return readingLog.sizeOnDisk();
    }

    /** Moves everything into the tables and closes the log: a clean stop leaves nothing to replay. */
    @Override
    public void close() {
        flusher.close();
        readingLog.close();
    }
}
