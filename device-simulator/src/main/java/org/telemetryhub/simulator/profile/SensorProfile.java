package org.telemetryhub.simulator.profile;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * How one simulated sensor behaves: a temperature that follows the time of day with noise and the occasional spike,
 * a humidity that falls as it warms, and a battery that drains a little with every reading. Each device draws its own
 * profile, so a fleet's charts differ.
 */
public record SensorProfile(double meanTemperature, double dailySwing, double noise, double phase,
                            double meanHumidity, double batteryStart, double drainPerReading, double spikeChance) {

    private static final double DAY_MS = 86_400_000.0;

    /** A plausible indoor or outdoor sensor. */
    public static SensorProfile draw(Random random) {
        return new SensorProfile(
                15 + random.nextDouble() * 10,
                2 + random.nextDouble() * 6,
                0.05 + random.nextDouble() * 0.3,
                (random.nextDouble() - 0.5) * Math.PI / 3,
                35 + random.nextDouble() * 30,
                60 + random.nextDouble() * 40,
                0.002 + random.nextDouble() * 0.02,
                0.002 + random.nextDouble() * 0.008);
    }

    /**
     * The metrics of the {@code index}-th reading (0, 1, 2, ...) measured at {@code deviceTimeMs}: coldest around
     * 06:00 of the device's clock, warmest around 18:00.
     */
    public Map<String, Double> metrics(long deviceTimeMs, long index, Random random) {
        double dayAngle = 2 * Math.PI * (deviceTimeMs % (long) DAY_MS) / DAY_MS;
        double temperature = meanTemperature - dailySwing * Math.cos(dayAngle - Math.PI / 2 + phase)
                + random.nextGaussian() * noise;
        if (random.nextDouble() < spikeChance) {
            temperature += 8 + random.nextDouble() * 8;
        }
        double humidity = meanHumidity - 1.5 * (temperature - meanTemperature) + random.nextGaussian() * noise * 3;
        double battery = batteryStart - drainPerReading * index;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("temperature", round(temperature));
        metrics.put("humidity", round(clamp(humidity, 0, 100)));
        metrics.put("battery", round(clamp(battery, 0, 100)));
        return metrics;
    }

    private static double clamp(double value, double low, double high) {
        return Math.max(low, Math.min(high, value));
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
