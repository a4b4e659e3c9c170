package org.telemetryhub.simulator.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboxTest {

    private final Outbox outbox = new Outbox();

    private static DeviceReading reading(long seq) {
        return DeviceReading.of(seq, 1_764_057_600_000L + seq, Map.of("temperature", 20.0 + seq), null);
    }

    private static List<Long> seqs(List<DeviceReading> readings) {
        return readings.stream().map(DeviceReading::seq).toList();
    }

    @Test
    void a_reading_stays_until_it_is_settled_and_a_lost_frame_goes_again_first() {
        for (long seq = 1; seq <= 4; seq++) {
            outbox.keep(reading(seq), false);
        }

        List<Long> first = seqs(outbox.take(2));
        outbox.requeue(first);

        assertEquals(List.of(1L, 2L), first);
        assertEquals(List.of(1L, 2L, 3L), seqs(outbox.take(3)));
        assertTrue(outbox.settle(1));
        assertFalse(outbox.settle(1));
        assertEquals(3, outbox.size());
    }

    @Test
    void settled_readings_are_not_requeued_and_a_new_link_resends_everything_else_in_seq_order() {
        for (long seq = 1; seq <= 3; seq++) {
            outbox.keep(reading(seq), false);
        }
        outbox.take(3);

        outbox.settle(2);
        outbox.requeue(List.of(1L, 2L, 3L));
        outbox.take(3);
        outbox.requeueAll();

        assertEquals(List.of(1L, 3L), seqs(outbox.take(10)));
    }

    @Test
    void a_held_back_reading_goes_out_after_the_next_one() {
        outbox.keep(reading(1), true);
        assertEquals(0, outbox.queued());

        outbox.keep(reading(2), false);

        assertEquals(List.of(2L, 1L), seqs(outbox.take(10)));
    }

    @Test
    void counts_first_sends_apart_from_resends() {
        outbox.keep(reading(1), false);
        outbox.keep(reading(2), false);

        assertEquals(2, outbox.sent(List.of(1L, 2L)));
        assertEquals(0, outbox.sent(List.of(1L, 2L)));
    }
}
