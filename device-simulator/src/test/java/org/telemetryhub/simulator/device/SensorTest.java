package org.telemetryhub.simulator.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SensorTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void continues_after_the_first_tickets_last_seq_one_up_per_reading() {
        Sensor sensor = new Sensor(new Random(1), 0, 5, 0, null);
        sensor.numberFrom(41);
        sensor.numberFrom(7);
        sensor.start(0);

        List<DeviceReading> readings = sensor.due(2 * SECOND);

        assertEquals(42, sensor.firstSeq());
        assertEquals(10, readings.size(), "5 readings a second for 2 s, give or take the device's phase");
        for (int i = 0; i < readings.size(); i++) {
            assertEquals(42 + i, readings.get(i).seq());
        }
    }

    @Test
    void timestamps_strictly_increase_even_in_a_burst() {
        Sensor sensor = new Sensor(new Random(2), 0, 1, 0, null);
        sensor.numberFrom(0);
        sensor.start(0);

        List<DeviceReading> readings = new ArrayList<>(sensor.burst(200));
        readings.addAll(sensor.due(SECOND));

        for (int i = 1; i < readings.size(); i++) {
            assertTrue(readings.get(i).ts() > readings.get(i - 1).ts(), "reading " + i);
        }
        assertEquals(201, readings.size(), "a burst does not eat into the schedule");
    }

    @Test
    void every_invalid_reading_says_which_rejection_it_expects() {
        Sensor sensor = new Sensor(new Random(3), 0, 100, 0.5, null);
        sensor.numberFrom(0);
        sensor.start(0);

        List<DeviceReading> readings = sensor.due(10 * SECOND);

        long invalid = readings.stream().filter(r -> !r.valid()).count();
        assertTrue(invalid > 300 && invalid < 700, invalid + " of " + readings.size());
        assertTrue(readings.stream().filter(r -> !r.valid()).allMatch(r -> r.expectedError() != null));
    }

    @Test
    void a_spike_is_reported_once_every_thirty_seconds_of_readings() {
        Sensor sensor = new Sensor(new Random(4), 0, 2, 0, 99.5);
        sensor.numberFrom(0);
        sensor.start(0);

        List<DeviceReading> readings = sensor.due(120 * SECOND);

        List<Long> spikes = readings.stream().filter(r -> Double.valueOf(99.5).equals(r.metrics().get("temperature")))
                .map(DeviceReading::seq).toList();
        assertEquals(4, spikes.size(), "240 readings, a spike in every 60: " + spikes);
        for (int i = 1; i < spikes.size(); i++) {
            assertEquals(60, spikes.get(i) - spikes.get(i - 1));
        }
    }
}
