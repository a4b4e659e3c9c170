package org.telemetryhub.hub.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.telemetryhub.protocol.Wire;

/** A reading sent to a dashboard writes its own JSON, and that is exactly what the codec writes for it. */
class DashboardReadingJsonTest {

    private static final ObjectMapper CODEC = Wire.strictMapper();

    @Test
    void aReadingIsWrittenAsTheCodecWritesIt() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            Map<String, Double> metrics = i % 2 == 0 ? new TreeMap<>() : new LinkedHashMap<>();
            for (int m = random.nextInt(5); m > 0; m--) {
                metrics.put("metric_" + random.nextInt(100), Math.round(random.nextGaussian() * 1e5) / 100.0);
            }
            DashboardMessage.Reading reading = new DashboardMessage.Reading("reading", "dev-" + random.nextInt(1000),
                    i % 3 == 0 ? "default" : "fleet.\"north\"", random.nextInt(1_000_000), 1 + random.nextInt(1 << 30),
                    1_700_000_000_000L + random.nextInt(), metrics);
            assertEquals(CODEC.writeValueAsString(reading), Wire.encode(reading));
        }
    }
}
