package org.telemetryhub.hub.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/** Reading frames for tests, stamped with a given clock. */
public final class Readings {

    private Readings() {}

    public static Reading reading(long seq, long ts) {
        return new Reading(seq, ts, Map.of("temperature", 20 + seq % 10 / 10.0, "humidity", 40.5));
    }

    public static String one(long seq, long ts) {
        return Wire.readingFrame(reading(seq, ts));
    }

    public static String batch(long fromSeq, int count, long ts) {
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            readings.add(reading(fromSeq + i, ts));
        }
        return Wire.batchFrame(readings);
    }
}
