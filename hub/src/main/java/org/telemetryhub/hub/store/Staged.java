package org.telemetryhub.hub.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.telemetryhub.hub.core.ReadingCursor;
import org.telemetryhub.hub.core.ReadingStore.Outcome;
import org.telemetryhub.hub.core.ReadingStore.Rejection;
import org.telemetryhub.hub.core.ReadingStore.StoredReading;
import org.telemetryhub.protocol.Reading;

/**
 * What one commit of the {@link LoggedReadingStore} does to one device: readings placed at the next offsets against
 * the device's tail and tables, rejections, and the change of its rejected-seq set; applied to the tail only once
 * the log holds the commit. Used by the writer only (one thread at a time).
 */
final class Staged implements RejectedSeqs.Lookup {

    private final long key;
    private final DeviceTail tail;
    private final BlockTables blocks;
    private final RejectedSeqTable rejectedTable;
    private final TableFlusher flusher;
    private final ReadingCursor from;
    private long lastOffset;
    private long maxSeq;
    private long count;
    private Long lastSeenAt;
    private final List<LogEntry.Stored> stored = new ArrayList<>();
    private final Map<Long, StoredReading> bySeq = new HashMap<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private final RejectedSeqs rejectedSeqs;
    private LogEntry.RejectedSet rejectedSet;

    Staged(long key, DeviceTail tail, BlockTables blocks, RejectedSeqTable rejectedTable,
           TableFlusher flusher) {
        this.key = key;
        this.tail = tail;
        this.blocks = blocks;
        this.rejectedTable = rejectedTable;
        this.flusher = flusher;
        from = tail.cursor();
        lastOffset = from.lastOffset();
        maxSeq = from.maxSeq();
        count = from.storedCount();
        lastSeenAt = from.lastSeenAt();
        rejectedSeqs = new RejectedSeqs(this, from.rejected(), from.rejectedMax());
    }

    /** Places a reading: stored at the next offset, or a duplicate or conflict of the stored one with its seq. */
    Outcome place(Reading reading, long now) {
        StoredReading earlier = find(reading.seq());
        if (earlier != null) {
            return JdbcReadingStore.verdict(earlier.offset(), earlier.reading(), reading);
        }
        StoredReading placed = new StoredReading(++lastOffset, reading, now);
        maxSeq = Math.max(maxSeq, reading.seq());
        count++;
        stored.add(new LogEntry.Stored(key, placed));
        bySeq.put(reading.seq(), placed);
        rejectedSeqs.stored(reading.seq());
        return new Outcome.Stored(placed.offset());
    }

    /** The reading this commit stored last, as the log holds it. */
    LogEntry.Stored lastStored() {
        return stored.get(stored.size() - 1);
    }

    /** The device wrote at this time (a reading stored or refused). */
    void seen(long now) {
        lastSeenAt = now;
    }

    void rejected(Rejection rejection) {
        rejections.add(rejection);
        if (rejection.forContent() && find(rejection.seq()) == null) {
            rejectedSeqs.rejected(rejection.seq(), rejection.code());
        }
    }

    /** The stored reading with this seq: earlier in this commit, in the tail, or in the tables. */
    private StoredReading find(long seq) {
        StoredReading earlier = bySeq.get(seq);
        if (earlier == null && seq <= maxSeq) {
            LogEntry.Stored unflushed = tail.withSeq(seq);
            earlier = unflushed != null ? unflushed.decode() : blocks.withSeq(key, seq);
        }
        return earlier;
    }

    @Override
    public boolean contains(long seq) {
        Boolean unflushed = tail.rejectedState(seq);
        return unflushed != null ? unflushed : rejectedTable.contains(key, seq);
    }

    @Override
    public long countBetween(long after, long upTo) {
        return flusher.consistent(() -> {
            long members = rejectedTable.countBetween(key, after, upTo);
            for (Map.Entry<Long, String> change : tail.rejectedChanges(after + 1, upTo).entrySet()) {
                members += (change.getValue() != null ? 1 : 0)
                        - (rejectedTable.contains(key, change.getKey()) ? 1 : 0);
            }
            return members;
        });
    }

    /** The log entry for what the commit did to the rejected-seq set and its count; null when nothing. */
    LogEntry.RejectedSet rejectedSetChange() {
        long rejected = rejectedSeqs.count(from.maxSeq(), maxSeq);
        if (rejectedSeqs.changesSet() || rejected != from.rejected()) {
            rejectedSet = new LogEntry.RejectedSet(key, rejected, rejectedSeqs.max(),
                    Map.copyOf(rejectedSeqs.added()), Set.copyOf(rejectedSeqs.removed()));
        }
        return rejectedSet;
    }

    /** Hands the commit to the tail, once the log holds it. */
    void apply() {
        long rejected = rejectedSet == null ? from.rejected() : rejectedSet.count();
        long rejectedMax = rejectedSet == null ? from.rejectedMax() : rejectedSet.max();
        tail.append(new ReadingCursor(lastOffset, maxSeq, count, rejected, rejectedMax, lastSeenAt), stored,
                rejections, rejectedSet);
    }
}
