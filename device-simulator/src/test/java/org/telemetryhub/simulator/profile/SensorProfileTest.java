package org.telemetryhub.simulator.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SensorProfileTest {

    private static final long MIDNIGHT = 1_764_028_800_000L; // 2025-11-25T00:00Z
    private static final long HOUR = 3_600_000L;

    @Test
    void temperature_is_lowest_in_the_morning_and_highest_in_the_evening() {
        SensorProfile quiet = new SensorProfile(20, 5, 0, 0, 50, 100, 0.01, 0);

        double morning = quiet.metrics(MIDNIGHT + 6 * HOUR, 0, new Random(1)).get("temperature");
        double evening = quiet.metrics(MIDNIGHT + 18 * HOUR, 0, new Random(1)).get("temperature");

        assertEquals(15.0, morning, 0.01);
        assertEquals(25.0, evening, 0.01);
    }

    @Test
    void battery_drains_with_every_reading_and_stops_at_zero() {
        SensorProfile profile = new SensorProfile(20, 5, 0, 0, 50, 1, 0.01, 0);

        Map<String, Double> first = profile.metrics(MIDNIGHT, 0, new Random(1));
        Map<String, Double> later = profile.metrics(MIDNIGHT, 50, new Random(1));
        Map<String, Double> flat = profile.metrics(MIDNIGHT, 1_000, new Random(1));

        assertEquals(1.0, first.get("battery"));
        assertEquals(0.5, later.get("battery"));
        assertEquals(0.0, flat.get("battery"));
    }

    @Test
    void drawn_profiles_give_plausible_finite_values_with_two_decimals() {
        Random random = new Random(7);
        for (int device = 0; device < 50; device++) {
            SensorProfile profile = SensorProfile.draw(random);
            for (int i = 0; i < 200; i++) {
                Map<String, Double> metrics = profile.metrics(MIDNIGHT + i * 600_000L, i, random);

                assertTrue(metrics.get("temperature") > -10 && metrics.get("temperature") < 60, metrics.toString());
                assertTrue(metrics.get("humidity") >= 0 && metrics.get("humidity") <= 100, metrics.toString());
                assertTrue(metrics.get("battery") >= 0 && metrics.get("battery") <= 100, metrics.toString());
                metrics.values().forEach(v -> assertEquals(v, Math.round(v * 100) / 100.0));
            }
        }
    }
}
