package org.telemetryhub.hub.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class LogEntryTest {

    /** The form a stored reading had in the log before it was written without streams. */
    private static byte[] streamed(LogEntry.Stored s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(LogEntry.STORED);
            out.writeLong(s.deviceKey());
            out.writeLong(s.offset());
            out.writeLong(s.seq());
            out.writeLong(s.ts());
            out.writeLong(s.storedAt());
            out.writeUTF(s.metricsJson());
        }
        return bytes.toByteArray();
    }

    @Test
    void storedReading_isWrittenAsTheStreamsWroteIt_andReadBack() throws IOException {
        for (String metrics : new String[] {"{\"temperature\":21.5}", "{}", "{\"a\":-1.0E-7,\"b\":3.0}",
                "{\"é\":1.0}", "{\"nul\u0000\":1.0}"}) {
            LogEntry.Stored stored = new LogEntry.Stored(7, 41, 1_000_000_007L, 1_765_000_000_000L,
                    1_765_000_000_123L, metrics);
            byte[] encoded = LogEntry.encode(stored);
            assertArrayEquals(streamed(stored), encoded, metrics);
            assertEquals(stored, LogEntry.decode(encoded), metrics);
        }
    }
}
