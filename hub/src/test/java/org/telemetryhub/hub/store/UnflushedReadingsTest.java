package org.telemetryhub.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A device's unflushed readings packed in one array give back exactly what went in, through any number of flushes. */
class UnflushedReadingsTest {

    private static final long DEVICE = 42;

    @Test
    void packed_readings_come_back_whole_with_ascii_and_other_metrics_alike() {
        UnflushedReadings packed = new UnflushedReadings(DEVICE);
        List<LogEntry.Stored> in = List.of(
                new LogEntry.Stored(DEVICE, 1, 10, 1_700_000_000_000L, 1_700_000_000_005L, "{\"t\":21.5}"),
                new LogEntry.Stored(DEVICE, 2, 12, -5, Long.MAX_VALUE, "{\"températur\":-1.0E-300,\"π\":3.14}"),
                new LogEntry.Stored(DEVICE, 3, 11, 0, 0, "{}"));
        in.forEach(packed::add);

        assertEquals(in, packed.first(3));
        assertEquals(12, packed.seq(1));
        assertEquals(Long.MAX_VALUE, packed.storedAt(1));
        assertEquals(2, packed.countThrough(2));
    }

    @Test
    void flushing_a_prefix_leaves_the_rest_in_order_and_the_array_shrinks_once_mostly_empty() {
        UnflushedReadings packed = new UnflushedReadings(DEVICE);
        List<LogEntry.Stored> expected = new ArrayList<>();
        Random random = new Random(7);
        long offset = 0;
        for (int round = 0; round < 200; round++) {
            int adds = random.nextInt(round % 50 == 0 ? 500 : 20);
            for (int i = 0; i < adds; i++) {
                offset++;
                LogEntry.Stored reading = new LogEntry.Stored(DEVICE, offset, offset * 3, random.nextLong(),
                        random.nextLong(), "{\"m\":" + random.nextInt() + "}");
                packed.add(reading);
                expected.add(reading);
            }
            long through = expected.isEmpty() ? 0 : expected.get(random.nextInt(expected.size())).offset();
            int cut = packed.countThrough(through);
            packed.dropFirst(cut);
            expected.subList(0, cut).clear();

            assertEquals(expected, packed.first(packed.size()), "round " + round);
        }
        packed.dropFirst(packed.size());
        assertTrue(packed.isEmpty());
    }
}
