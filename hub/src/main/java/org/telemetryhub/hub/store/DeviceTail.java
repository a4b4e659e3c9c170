package org.telemetryhub.hub.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.telemetryhub.hub.core.ReadingCursor;
import org.telemetryhub.hub.core.ReadingStore.Rejection;

/**
 * One device's readings, rejections and rejected-seq set changes that the log holds and the tables do not yet, with
 * its cursor: what every
 * read adds to the tables, so an acked reading is seen at once. The writer appends, the table flush removes the
 * head, readers copy; each under this object's lock, which is never held across I/O.
 */
final class DeviceTail {

    private ReadingCursor cursor;
    private final UnflushedReadings readings;
    private final ArrayList<Rejection> rejections = new ArrayList<>();
    private final ArrayList<LogEntry.RejectedSet> rejectedSets = new ArrayList<>();

    private volatile boolean mayBeGone;

    DeviceTail(long deviceKey, ReadingCursor cursor) {
        this.cursor = cursor;
        this.readings = new UnflushedReadings(deviceKey);
    }

    /** The device was deleted or changed: the next write checks its row first. */
    void recheck() {
        mayBeGone = true;
    }

    boolean mayBeGone() {
        return mayBeGone;
    }

    void stillThere() {
        mayBeGone = false;
    }

    synchronized ReadingCursor cursor() {
        return cursor;
    }

    /**
     * The unflushed reading with this seq, if any. Only a resend or a late reading (seq not above the highest) asks,
     * and a tail holds seconds of one device's readings: a scan from the newest costs less than an index per reading.
     */
    synchronized LogEntry.Stored withSeq(long seq) {
        for (int i = readings.size() - 1; i >= 0; i--) {
            if (readings.seq(i) == seq) {
                return readings.get(i);
            }
        }
        return null;
    }

    /** Takes what a commit wrote to the log; {@code rejectedSet} is null when it left the set and its count alone. */
    synchronized void append(ReadingCursor moved, List<LogEntry.Stored> stored, List<Rejection> rejected,
                             LogEntry.RejectedSet rejectedSet) {
        cursor = moved;
        stored.forEach(readings::add);
        rejections.addAll(rejected);
        if (rejectedSet != null) {
            rejectedSets.add(rejectedSet);
        }
    }

    /** Whether unflushed changes put this seq in the rejected-seq set (true), took it out (false) or neither (null). */
    synchronized Boolean rejectedState(long seq) {
        for (int i = rejectedSets.size() - 1; i >= 0; i--) {
            LogEntry.RejectedSet change = rejectedSets.get(i);
            if (change.removed().contains(seq)) {
                return false;
            }
            if (change.added().containsKey(seq)) {
                return true;
            }
        }
        return null;
    }

    /** The unflushed changes of the rejected-seq set in {@code [from, to]}: seq to its code, or to null if removed. */
    synchronized Map<Long, String> rejectedChanges(long from, long to) {
        Map<Long, String> changes = new TreeMap<>();
        for (LogEntry.RejectedSet change : rejectedSets) {
            change.added().forEach((seq, code) -> {
                if (seq >= from && seq <= to) {
                    changes.put(seq, code);
                }
            });
            change.removed().forEach(seq -> {
                if (seq >= from && seq <= to) {
                    changes.put(seq, null);
                }
            });
        }
        return changes;
    }

    /** The unflushed readings up to {@code offset}, unpacked: what a table flush moves of this device. */
    synchronized List<LogEntry.Stored> readingsThrough(long offset) {
        return readings.first(readings.countThrough(offset));
    }

    /**
     * Forgets what the tables now hold: readings up to {@code offset}, the oldest {@code rejected} rejections and the
     * oldest {@code rejectedSets} set changes.
     */
    synchronized void flushed(long offset, int rejected, int rejectedSetChanges) {
        readings.dropFirst(readings.countThrough(offset));
        rejections.subList(0, Math.min(rejected, rejections.size())).clear();
        rejectedSets.subList(0, Math.min(rejectedSetChanges, rejectedSets.size())).clear();
    }

    /** A copy of what the tables do not hold yet. */
    synchronized Snapshot snapshot() {
        long first = readings.isEmpty() ? cursor.lastOffset() + 1 : readings.offset(0);
        return new Snapshot(first, readings.first(readings.size()), List.copyOf(rejections));
    }

    synchronized boolean holdsStoredBefore(long cutoff) {
        return !readings.isEmpty() && readings.storedAt(0) < cutoff;
    }

    /**
     * @param firstOffset the lowest offset the tables may lack: every lower one is in the tables
     * @param readings unflushed readings in offset order, in their compact form
     * @param rejections unflushed rejections, oldest first
     */
    record Snapshot(long firstOffset, List<LogEntry.Stored> readings, List<Rejection> rejections) {}
}
