package org.telemetryhub.hub.core;

import java.util.List;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.Reading;

/**
 * Where readings become durable. One {@link #write} is one transaction: when it returns, every outcome it reports is
 * committed, so a caller may ack what it says was stored or was already there.
 */
public interface ReadingStore {

    /** Readings and rejections for one device, as one frame or request brought them. */
    record Write(DeviceRef device, List<Reading> readings, List<Rejection> rejections) {}

    record Rejection(Long seq, String code, String message, long at) {
        /** Refused for its content: the seq is not stored (a {@code seq_conflict} names a seq that is). */
        public boolean forContent() {
            return seq != null && !code.equals(ErrorCode.SEQ_CONFLICT.wire());
        }
    }

    /** What became of one reading of a {@link Write}, in the order it was given. */
    sealed interface Outcome {
        /** Newly stored at this per-device offset. */
        record Stored(long offset) implements Outcome {}

        /** Stored before (or earlier in the same commit) with the same content, at this offset. */
        record Duplicate(long offset) implements Outcome {}

        /** Its seq is stored with other content. */
        record Conflict(Reading stored) implements Outcome {}

        /** The device was deleted meanwhile: nothing stored, nothing to ack. */
        record DeviceGone() implements Outcome {}
    }

    record StoredReading(long offset, Reading reading, long storedAt) {}

    /** The sentence of a {@code seq_conflict} verdict; the store records it with the rejection. */
    static String conflictMessage(DeviceRef device, long seq) {
        return "reading with seq " + seq + " must repeat the stored content to be a resend, but its ts or metrics "
                + "differ (device " + device.id() + ", seq " + seq + ")";
    }

    /** Stores everything in one transaction; outcomes per write, per reading. Throws {@link StoreException}. */
    List<List<Outcome>> write(List<Write> writes);

    /** Up to {@code limit} readings of a device after an offset, in offset order. */
    List<StoredReading> after(long deviceKey, long afterOffset, int limit);

    /** The device's highest offset (0 before its first reading). */
    long lastOffset(long deviceKey);

    /** The device's lowest offset still kept; {@code lastOffset + 1} when retention removed every reading. */
    long firstOffset(long deviceKey);

    /** Up to {@code limit} readings with {@code from <= ts < to}, in offset order. */
    List<StoredReading> between(long deviceKey, long from, long to, int limit);

    /** Every reading with {@code from <= ts < to}, streamed in ts order without holding them all. */
    void scan(long deviceKey, long from, long to, java.util.function.Consumer<StoredReading> each);

    /** The latest rejections of a device, newest first. */
    List<Rejection> rejections(long deviceKey, int limit);

    /** Up to {@code limit} seqs with {@code fromSeq <= seq <= toSeq} refused for their content and never stored. */
    List<RejectedSeq> rejectedSeqs(long deviceKey, long fromSeq, long toSeq, int limit);

    /** Removes the oldest readings of a device, up to the last one stored before {@code cutoff}; returns how many. */
    int deleteStoredBefore(long deviceKey, long cutoff);

    /** The device was deleted or given a new secret: a store that keeps devices in memory reads its row again. */
    default void recheck(long deviceKey) {}

    /** The cursors this store knows ahead of its tables ({@link ReadingCursor.Live#NONE} where the tables know all). */
    default ReadingCursor.Live live() {
        return ReadingCursor.Live.NONE;
    }

    /** Starts the store's own background work, before the first write; a store without any has nothing to do. */
    default void start() {}

    /** Ends that work; what was acked stays stored and is found again at the next start. */
    default void close() {}
}
