package org.telemetryhub.hub.store;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.telemetryhub.hub.core.ReadingStore.Rejection;
import org.telemetryhub.hub.core.ReadingStore.StoredReading;
import org.telemetryhub.protocol.JsonText;
import org.telemetryhub.protocol.Reading;

/**
 * What the reading log holds: a reading stored at its offset, a rejection recorded, or a change of the rejected-seq
 * set; with their binary form.
 */
sealed interface LogEntry {

    long deviceKey();

    /**
     * A reading stored at its offset, as the log, the tables' blocks and the device tails (packed, see
     * {@link UnflushedReadings}) hold it: {@code metricsJson} is the metrics as the tables keep them, encoded once,
     * and parsed again only when a read asks for them.
     */
    record Stored(long deviceKey, long offset, long seq, long ts, long storedAt, String metricsJson)
            implements LogEntry {

        Stored(long deviceKey, StoredReading stored) {
            this(deviceKey, stored.offset(), stored.reading().seq(), stored.reading().ts(), stored.storedAt(),
                    JsonText.metrics(stored.reading().metrics()));
        }

        /** The reading with its metrics parsed. */
        StoredReading decode() {
            return new StoredReading(offset, new Reading(seq, ts, JdbcReadingStore.metrics(metricsJson)), storedAt);
        }
    }

    record Rejected(long deviceKey, Rejection rejection) implements LogEntry {}

    /**
     * A commit changed the device's rejected-seq set or its count: seqs {@code added} (with their codes) and
     * {@code removed}, and the cursor's {@code count} and {@code max} after the commit.
     */
    record RejectedSet(long deviceKey, long count, long max, Map<Long, String> added, Set<Long> removed)
            implements LogEntry {}

    byte STORED = 1;
    byte REJECTED = 2;
    byte REJECTED_SET = 3;

    static byte[] encode(LogEntry entry) {
        if (entry instanceof Stored s) {
            byte[] metrics = s.metricsJson().getBytes(StandardCharsets.UTF_8);
            if (metrics.length == s.metricsJson().length() && metrics.length <= 0xFFFF
                    && s.metricsJson().indexOf('\0') < 0) {
                return encodeStored(s, metrics); // ASCII without NUL: UTF-8 and writeUTF's modified UTF-8 agree
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (entry instanceof Stored s) {
                out.writeByte(STORED);
                out.writeLong(s.deviceKey());
                out.writeLong(s.offset());
                out.writeLong(s.seq());
                out.writeLong(s.ts());
                out.writeLong(s.storedAt());
                out.writeUTF(s.metricsJson());
            } else if (entry instanceof Rejected r) {
                out.writeByte(REJECTED);
                out.writeLong(r.deviceKey());
                out.writeBoolean(r.rejection().seq() != null);
                out.writeLong(r.rejection().seq() == null ? 0 : r.rejection().seq());
                out.writeUTF(r.rejection().code());
                out.writeUTF(r.rejection().message());
                out.writeLong(r.rejection().at());
            } else if (entry instanceof RejectedSet r) {
                out.writeByte(REJECTED_SET);
                out.writeLong(r.deviceKey());
                out.writeLong(r.count());
                out.writeLong(r.max());
                out.writeInt(r.added().size());
                for (Map.Entry<Long, String> added : r.added().entrySet()) {
                    out.writeLong(added.getKey());
                    out.writeUTF(added.getValue());
                }
                out.writeInt(r.removed().size());
                for (long seq : r.removed()) {
                    out.writeLong(seq);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * A stored reading written straight into an array of its size, in the form {@link DataOutputStream} gives it
     * ({@code metrics} is the JSON's ASCII bytes): one per reading, so without the streams.
     */
    private static byte[] encodeStored(Stored s, byte[] metrics) {
        ByteBuffer out = ByteBuffer.allocate(1 + 5 * Long.BYTES + 2 + metrics.length);
        out.put(STORED).putLong(s.deviceKey()).putLong(s.offset()).putLong(s.seq()).putLong(s.ts())
                .putLong(s.storedAt()).putShort((short) metrics.length).put(metrics);
        return out.array();
    }

    static LogEntry decode(byte[] payload) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload))) {
            byte kind = in.readByte();
            long deviceKey = in.readLong();
            if (kind == STORED) {
                return new Stored(deviceKey, in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                        in.readUTF());
            }
            if (kind == REJECTED) {
                boolean hasSeq = in.readBoolean();
                long seq = in.readLong();
                return new Rejected(deviceKey, new Rejection(hasSeq ? seq : null, in.readUTF(), in.readUTF(),
                        in.readLong()));
            }
            if (kind == REJECTED_SET) {
                long count = in.readLong();
                long max = in.readLong();
                Map<Long, String> added = new TreeMap<>();
                for (int i = in.readInt(); i > 0; i--) {
                    added.put(in.readLong(), in.readUTF());
                }
                Set<Long> removed = new TreeSet<>();
                for (int i = in.readInt(); i > 0; i--) {
                    removed.add(in.readLong());
                }
                return new RejectedSet(deviceKey, count, max, added, removed);
            }
            throw new IllegalStateException("reading log entry of unknown kind " + kind);
        } catch (IOException e) {
            throw new UncheckedIOException("reading log entry cut short", e);
        }
    }
}
