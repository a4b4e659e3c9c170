package org.telemetryhub.hub.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.telemetryhub.hub.core.ReadingStore.StoredReading;

/**
 * The binary form of a block: readings of one device in offset order, as a row of {@code reading_blocks} keeps them.
 * A count, then per reading its offset, seq, ts and stored-at time, each as the difference to the reading before
 * (the first to zero), and its metrics as the JSON the log keeps (length and UTF-8 bytes). Every number is a varint;
 * the differences of seq, ts and stored-at are zig-zag encoded first, since a device may send an older seq or step
 * its clock back, and the hub's clock may step back too. Offsets only grow, so theirs are not.
 */
public final class ReadingBlock {

    private ReadingBlock() {}

    /** The readings of one device, in offset order. */
    static byte[] encode(List<LogEntry.Stored> readings) {
        Out out = new Out(readings.size() * 40 + 8);
        out.varint(readings.size());
        long offset = 0;
        long seq = 0;
        long ts = 0;
        long storedAt = 0;
        for (LogEntry.Stored entry : readings) {
            out.varint(entry.offset() - offset);
            out.signed(entry.seq() - seq);
            out.signed(entry.ts() - ts);
            out.signed(entry.storedAt() - storedAt);
            byte[] metrics = entry.metricsJson().getBytes(UTF_8);
            out.varint(metrics.length);
            out.bytes(metrics);
            offset = entry.offset();
            seq = entry.seq();
            ts = entry.ts();
            storedAt = entry.storedAt();
        }
        return out.done();
    }

    /** The readings of a block, in offset order, with their metrics parsed. */
    public static List<StoredReading> decode(byte[] block) {
        List<LogEntry.Stored> entries = entries(0, block);
        List<StoredReading> readings = new ArrayList<>(entries.size());
        entries.forEach(entry -> readings.add(entry.decode()));
        return readings;
    }

    /** The readings of a block as log entries of the device, keeping their metrics' JSON as stored. */
    static List<LogEntry.Stored> entries(long deviceKey, byte[] block) {
        In in = new In(block);
        int count = (int) in.varint();
        List<LogEntry.Stored> entries = new ArrayList<>(count);
        long offset = 0;
        long seq = 0;
        long ts = 0;
        long storedAt = 0;
        for (int i = 0; i < count; i++) {
            offset += in.varint();
            seq += in.signed();
            ts += in.signed();
            storedAt += in.signed();
            entries.add(new LogEntry.Stored(deviceKey, offset, seq, ts, storedAt, in.text()));
        }
        return entries;
    }

    private static final class Out {
        private byte[] bytes;
        private int size;

        Out(int capacity) {
            bytes = new byte[capacity];
        }

        void varint(long value) {
            room(10);
            while ((value & ~0x7FL) != 0) {
                bytes[size++] = (byte) ((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            bytes[size++] = (byte) value;
        }

        void signed(long value) {
            varint((value << 1) ^ (value >> 63));
        }

        void bytes(byte[] more) {
            room(more.length);
            System.arraycopy(more, 0, bytes, size, more.length);
            size += more.length;
        }

        private void room(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        byte[] done() {
            return Arrays.copyOf(bytes, size);
        }
    }

    private static final class In {
        private final byte[] bytes;
        private int position;

        In(byte[] bytes) {
            this.bytes = bytes;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                if (position == bytes.length || shift > 63) {
                    throw new IllegalStateException("reading block cut short or malformed at byte " + position);
                }
                byte b = bytes[position++];
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
        }

        long signed() {
            long zigzag = varint();
            return (zigzag >>> 1) ^ -(zigzag & 1);
        }

        String text() {
            int length = (int) varint();
            skip(length);
            return new String(bytes, position - length, length, UTF_8);
        }

        void skip(int length) {
            if (length < 0 || length > bytes.length - position) {
                throw new IllegalStateException("reading block cut short at byte " + position);
            }
            position += length;
        }
    }
}
