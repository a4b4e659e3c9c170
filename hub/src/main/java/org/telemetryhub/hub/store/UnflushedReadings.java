package org.telemetryhub.hub.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One device's readings that the log holds and the tables do not yet, packed in one array that is reused from flush
 * to flush: {@code [offset][seq][ts][storedAt][metrics length][metrics JSON]} each, in offset order. Readings wait
 * here for seconds, through many young collections; as objects (a record, its string and the string's bytes, about
 * 200 bytes in three objects) they were most of what the heap promoted to its old generation, and so the cause of
 * most full collections. Packed, a reading is about 90 bytes inside an array that stays put. Not thread-safe: its
 * {@link DeviceTail} guards it.
 */
final class UnflushedReadings {

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final int OFFSET = 0;
    private static final int SEQ = 8;
    private static final int TS = 16;
    private static final int STORED_AT = 24;
    private static final int METRICS_LENGTH = 32;
    private static final int HEAD = 36;
    /** An array this much larger than what it holds after a flush is given back. */
    private static final int SHRINK_FACTOR = 4;
    private static final int MIN_BYTES = 256;
    private static final int MIN_READINGS = 4;

    private final long deviceKey;
    private byte[] bytes = new byte[0];
    private int length;
    private int[] starts = new int[0];
    private int count;

    UnflushedReadings(long deviceKey) {
        this.deviceKey = deviceKey;
    }

    int size() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    void add(LogEntry.Stored reading) {
        byte[] metrics = reading.metricsJson().getBytes(StandardCharsets.UTF_8);
        int metricsLength = metrics.length;
        int start = length;
        room(HEAD + metricsLength);
        LONG.set(bytes, start + OFFSET, reading.offset());
        LONG.set(bytes, start + SEQ, reading.seq());
        LONG.set(bytes, start + TS, reading.ts());
        LONG.set(bytes, start + STORED_AT, reading.storedAt());
        INT.set(bytes, start + METRICS_LENGTH, metricsLength);
        System.arraycopy(metrics, 0, bytes, start + HEAD, metricsLength);
        length = start + HEAD + metricsLength;
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, Math.max(MIN_READINGS, count * 2));
        }
        starts[count++] = start;
    }

    long offset(int i) {
        return (long) LONG.get(bytes, starts[i] + OFFSET);
    }

    long seq(int i) {
        return (long) LONG.get(bytes, starts[i] + SEQ);
    }

    long storedAt(int i) {
        return (long) LONG.get(bytes, starts[i] + STORED_AT);
    }

    LogEntry.Stored get(int i) {
        int start = starts[i];
        int metricsLength = (int) INT.get(bytes, start + METRICS_LENGTH);
        return new LogEntry.Stored(deviceKey, offset(i), seq(i), (long) LONG.get(bytes, start + TS), storedAt(i),
                new String(bytes, start + HEAD, metricsLength, StandardCharsets.UTF_8));
    }

    /** The first {@code n} readings, unpacked. */
    List<LogEntry.Stored> first(int n) {
        List<LogEntry.Stored> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(get(i));
        }
        return out;
    }

    /** How many readings, from the first, have an offset of at most {@code offset}. */
    int countThrough(long offset) {
        int n = 0;
        while (n < count && offset(n) <= offset) {
            n++;
        }
        return n;
    }

    /**
     * Forgets the first {@code n} readings. The arrays keep their size from flush to flush, so that a device's
     * readings do not grow them again each time; they shrink only when far larger than what they held.
     */
    void dropFirst(int n) {
        if (n <= 0) {
            return;
        }
        int cut = n < count ? starts[n] : length;
        int left = count - n;
        int leftBytes = length - cut;
        // measured against what it held before this flush, the fill it will likely reach again before the next
        byte[] keptBytes = bytes.length > MIN_BYTES && bytes.length > SHRINK_FACTOR * length
                ? new byte[Math.max(MIN_BYTES, 2 * length)] : bytes;
        System.arraycopy(bytes, cut, keptBytes, 0, leftBytes);
        bytes = keptBytes;
        int[] keptStarts = starts.length > MIN_READINGS && starts.length > SHRINK_FACTOR * count
                ? new int[Math.max(MIN_READINGS, 2 * count)] : starts;
        for (int i = 0; i < left; i++) {
            keptStarts[i] = starts[n + i] - cut;
        }
        starts = keptStarts;
        count = left;
        length = leftBytes;
    }

    private void room(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(MIN_BYTES, Math.max(length + more, bytes.length * 2)));
        }
    }
}
