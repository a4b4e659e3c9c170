package org.telemetryhub.simulator.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultsTest {

    @Test
    void a_share_outside_zero_to_one_is_refused_naming_the_option_rule_and_value() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Faults(0, 0, 1.5, 0, 0, 0, 0, 0, 0, 0));

        assertEquals("--duplicates must be a share in [0, 1], but was 1.5", e.getMessage());
    }

    @Test
    void a_negative_period_is_refused_naming_the_option_rule_and_value() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Faults(-2, 0, 0, 0, 0, 0, 0, 0, 0, 0));

        assertEquals("--drop-every must be in [0, 86400] seconds (0 = never), but was -2.0", e.getMessage());
    }

    @Test
    void describes_only_the_faults_asked_for() {
        assertEquals("none", Faults.none().describe());
        assertEquals("drop every 2.00 s, duplicates 10.0%, out of order 5.00%",
                new Faults(2, 0, 0.1, 0.05, 0, 0, 0, 0, 0, 0).describe());
    }

    @Test
    void each_invalid_reading_breaks_the_rule_its_expected_verdict_names() {
        Map<String, Double> valid = Map.of("temperature", 21.5);
        long now = 1_764_057_600_000L;

        assertEquals(Map.of(), InvalidReading.MISSING_METRICS.metrics(valid));
        assertEquals(Map.of("temp °C", 21.5), InvalidReading.BAD_METRIC_NAME.metrics(valid));
        assertEquals(Map.of("temperature", "hot"), InvalidReading.NOT_A_NUMBER.metrics(valid));
        assertEquals(now + 86_400_000L, InvalidReading.FAR_FUTURE.ts(now));
        assertEquals(now, InvalidReading.NOT_A_NUMBER.ts(now));
        assertEquals("invalid_ts", InvalidReading.FAR_FUTURE.expectedError());
    }
}
