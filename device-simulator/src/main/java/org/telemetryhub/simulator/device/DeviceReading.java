package org.telemetryhub.simulator.device;

import java.util.LinkedHashMap;
import java.util.Map;
import org.telemetryhub.protocol.Wire;

/**
 * One reading a simulated device made: its seq, its clock's ts, its metrics (numbers, or anything for an invalid
 * reading), the rejection code the hub must answer when it was made invalid on purpose ({@code null} for a valid
 * one), and its JSON object as it goes into a frame, encoded once.
 */
public record DeviceReading(long seq, long ts, Map<String, Object> metrics, String expectedError, String json) {

    public static DeviceReading of(long seq, long ts, Map<String, ?> metrics, String expectedError) {
        Map<String, Object> copy = new LinkedHashMap<>(metrics);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("seq", seq);
        body.put("ts", ts);
        body.put("metrics", copy);
        return new DeviceReading(seq, ts, copy, expectedError, Wire.encode(body));
    }

    public boolean valid() {
        return expectedError == null;
    }
}
