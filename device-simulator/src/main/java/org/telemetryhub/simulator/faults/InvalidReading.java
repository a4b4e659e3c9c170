package org.telemetryhub.simulator.faults;

import java.util.Map;
import java.util.Random;

/**
 * Ways a device gets a reading wrong on purpose, each with the verdict the contract promises for it. The reading
 * keeps a valid seq, so the hub must answer it with {@code rejected} for that seq, never with a frame error.
 */
public enum InvalidReading {
    /** An empty metrics object. */
    MISSING_METRICS("missing_metrics"),
    /** A metric name that breaks the id rule. */
    BAD_METRIC_NAME("invalid_metric_name"),
    /** A metric whose value is text, not a number. */
    NOT_A_NUMBER("invalid_metric_value"),
    /** A timestamp a day ahead of the device's clock (the hub allows 5 minutes). */
    FAR_FUTURE("invalid_ts");

    private static final long DAY_MS = 86_400_000L;

    private final String expectedError;

    InvalidReading(String expectedError) {
        this.expectedError = expectedError;
    }

    /** The {@code rejected} code the hub must answer with. */
    public String expectedError() {
        return expectedError;
    }

    public static InvalidReading draw(Random random) {
        InvalidReading[] kinds = values();
        return kinds[random.nextInt(kinds.length)];
    }

    /** The reading's ts: the device's clock, or far from it. */
    public long ts(long deviceTimeMs) {
        return this == FAR_FUTURE ? deviceTimeMs + DAY_MS : deviceTimeMs;
    }

    /** The reading's metrics, spoiled from {@code valid} in this way. */
    public Map<String, Object> metrics(Map<String, Double> valid) {
        return switch (this) {
            case MISSING_METRICS -> Map.of();
            case BAD_METRIC_NAME -> Map.of("temp °C", valid.getOrDefault("temperature", 20.0));
            case NOT_A_NUMBER -> Map.of("temperature", "hot");
            case FAR_FUTURE -> Map.copyOf(valid);
        };
    }
}
