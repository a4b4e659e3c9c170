package org.telemetryhub.hub.store;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.telemetryhub.hub.core.ReadingStore.Rejection;
import org.telemetryhub.hub.core.ReadingStore.StoredReading;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/** What the reading log holds: a reading stored at its offset, or a rejection recorded; with their binary form. */
sealed interface LogEntry {

    long deviceKey();

    /** {@code metricsJson}: the metrics as the tables keep them, encoded once for the log and the tables. */
    record Stored(long deviceKey, StoredReading stored, String metricsJson) implements LogEntry {

        Stored(long deviceKey, StoredReading stored) {
            this(deviceKey, stored, Wire.encode(stored.reading().metrics()));
        }
    }

    record Rejected(long deviceKey, Rejection rejection) implements LogEntry {}

    byte STORED = 1;
    byte REJECTED = 2;

    static byte[] encode(LogEntry entry) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (entry instanceof Stored s) {
                out.writeByte(STORED);
                out.writeLong(s.deviceKey());
                out.writeLong(s.stored().offset());
                out.writeLong(s.stored().reading().seq());
                out.writeLong(s.stored().reading().ts());
                out.writeLong(s.stored().storedAt());
                out.writeUTF(s.metricsJson());
            } else if (entry instanceof Rejected r) {
                out.writeByte(REJECTED);
                out.writeLong(r.deviceKey());
                out.writeBoolean(r.rejection().seq() != null);
                out.writeLong(r.rejection().seq() == null ? 0 : r.rejection().seq());
                out.writeUTF(r.rejection().code());
                out.writeUTF(r.rejection().message());
                out.writeLong(r.rejection().at());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static LogEntry decode(byte[] payload) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload))) {
            byte kind = in.readByte();
            long deviceKey = in.readLong();
            if (kind == STORED) {
                long offset = in.readLong();
                long seq = in.readLong();
                long ts = in.readLong();
                long storedAt = in.readLong();
                String metrics = in.readUTF();
                Reading reading = new Reading(seq, ts, JdbcReadingStore.metrics(metrics));
                return new Stored(deviceKey, new StoredReading(offset, reading, storedAt), metrics);
            }
            if (kind == REJECTED) {
                boolean hasSeq = in.readBoolean();
                long seq = in.readLong();
                return new Rejected(deviceKey, new Rejection(hasSeq ? seq : null, in.readUTF(), in.readUTF(),
                        in.readLong()));
            }
            throw new IllegalStateException("reading log entry of unknown kind " + kind);
        } catch (IOException e) {
            throw new UncheckedIOException("reading log entry cut short", e);
        }
    }
}
