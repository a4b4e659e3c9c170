package org.telemetryhub.hub.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.core.ReadingStore.StoredReading;
import org.telemetryhub.protocol.Reading;

class ReadingBlockTest {

    @Test
    void readings_come_back_as_they_went_in() {
        List<LogEntry.Stored> readings = List.of(
                stored(1, 1, 1_700_000_000_000L, 1_700_000_000_100L, Map.of("temperature", 21.5, "humidity", 40.0)),
                stored(2, 2, 1_700_000_001_000L, 1_700_000_001_100L, Map.of("temperature", 21.6)),
                stored(3, 3, 1_700_000_002_000L, 1_700_000_002_100L, Map.of()));

        List<StoredReading> decoded = ReadingBlock.decode(ReadingBlock.encode(readings));

        assertEquals(readings.stream().map(LogEntry.Stored::decode).toList(), decoded);
    }

    @Test
    void seqs_and_times_that_go_back_and_jump_far_come_back_as_they_went_in() {
        List<LogEntry.Stored> readings = List.of(
                stored(7, 900, 1_700_000_000_000L, 1_700_000_000_000L, Map.of("t", 1.0)),
                stored(8, 3, 946_684_800_001L, 1_699_999_999_000L, Map.of("t", -2.5e300)),
                stored(1_000_000, Long.MAX_VALUE, Long.MAX_VALUE, 0, Map.of("t", 0.0)),
                stored(1_000_001, 1, Long.MIN_VALUE, Long.MAX_VALUE, Map.of("t", Double.MIN_VALUE)));

        List<StoredReading> decoded = ReadingBlock.decode(ReadingBlock.encode(readings));

        assertEquals(readings.stream().map(LogEntry.Stored::decode).toList(), decoded);
        assertArrayEquals(new long[] {1_700_000_000_000L, 1_699_999_999_000L, 0, Long.MAX_VALUE},
                ReadingBlock.entries(5, ReadingBlock.encode(readings)).stream()
                        .mapToLong(LogEntry.Stored::storedAt).toArray());
    }

    @Test
    void metric_names_outside_ascii_keep_their_json_as_stored() {
        LogEntry.Stored reading = stored(1, 1, 1_000, 1_000, Map.of("température", 21.0, "湿度", 40.0, "🌡", 1.0));

        List<LogEntry.Stored> decoded = ReadingBlock.entries(5, ReadingBlock.encode(List.of(reading)));

        assertEquals(reading, decoded.get(0));
        assertEquals(reading.metricsJson(), decoded.get(0).metricsJson());
    }

    @Test
    void a_block_cut_short_is_refused_rather_than_read_wrong() {
        byte[] block = ReadingBlock.encode(List.of(stored(1, 1, 1_000, 1_000, Map.of("t", 1.0))));

        byte[] cut = Arrays.copyOf(block, block.length - 3);

        assertThrows(IllegalStateException.class, () -> ReadingBlock.decode(cut));
    }

    private static LogEntry.Stored stored(long offset, long seq, long ts, long storedAt, Map<String, Double> metrics) {
        return new LogEntry.Stored(5, new StoredReading(offset, new Reading(seq, ts, metrics), storedAt));
    }
}
