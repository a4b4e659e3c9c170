package org.telemetryhub.client;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(100, 5_000);
    private final Random random = new Random(1);

    @Test
    void waits_double_per_failure_with_jitter_between_half_and_all_of_the_ceiling() {
        for (int failures = 0; failures < 6; failures++) {
            long ceiling = Math.min(5_000, 100L << failures);
            for (int i = 0; i < 100; i++) {
                long delay = backoff.delayMs(failures, random);

                assertTrue(delay >= ceiling / 2 && delay <= ceiling, failures + " failures waited " + delay);
            }
        }
    }

    @Test
    void never_waits_longer_than_the_cap_however_many_failures() {
        for (int failures : new int[] {6, 30, 1_000}) {
            long delay = backoff.delayMs(failures, random);

            assertTrue(delay >= 2_500 && delay <= 5_000, failures + " failures waited " + delay);
        }
    }

    @Test
    void a_cap_below_the_base_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(100, 50));
    }
}
