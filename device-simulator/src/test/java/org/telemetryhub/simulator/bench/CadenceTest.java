package org.telemetryhub.simulator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CadenceTest {

    private static final long MS = 1_000_000L;

    @Test
    void theFirstReadingFallsInTheFirstInterval() {
        Cadence cadence = new Cadence(10_000, 1_000);
        assertEquals(500 * MS, cadence.first(500 * MS, 0));
        assertEquals(500 * MS + 5_000 * MS, cadence.first(500 * MS, 0.5));
        assertTrue(cadence.first(500 * MS, Math.nextDown(1.0)) < 500 * MS + 10_000 * MS);
    }

    @Test
    void jitterShiftsEachReadingWithoutAddingUp() {
        Cadence cadence = new Cadence(10_000, 1_000);
        Random random = new Random(42);
        long first = 123 * MS;
        assertEquals(first, cadence.due(first, 0, random.nextDouble()));
        for (long k = 1; k <= 100_000; k++) {
            long slot = first + k * 10_000 * MS;
            long due = cadence.due(first, k, random.nextDouble());
            assertTrue(Math.abs(due - slot) <= 1_000 * MS, "reading " + k + " is " + (due - slot) / MS
                    + " ms off its slot");
        }
        assertEquals(first + 7 * 10_000 * MS - 1_000 * MS, cadence.due(first, 7, 0));
    }

    @Test
    void halfAnIntervalOfJitterStillKeepsTheReadingsInOrder() {
        Cadence cadence = new Cadence(10_000, 5_000);
        for (long k = 0; k < 1_000; k++) {
            long latest = cadence.due(0, k, Math.nextDown(1.0));
            long earliestNext = cadence.due(0, k + 1, 0);
            assertTrue(earliestNext >= latest, "reading " + (k + 1) + " could go before reading " + k);
        }
    }

    @Test
    void moreJitterThanHalfTheIntervalIsRefusedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Cadence(10_000, 5_001));
        assertTrue(e.getMessage().contains("5001") && e.getMessage().contains("5000"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Cadence(10_000, -1));
        assertThrows(IllegalArgumentException.class, () -> new Cadence(0, 0));
    }

    @Test
    void fifteenThousandDevicesEveryTenSecondsOffer1500ReadingsPerSecond() {
        assertEquals(1_500.0, new Cadence(10_000, 1_000).offeredPerSecond(15_000), 1e-9);
    }
}
