package org.telemetryhub.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Messages that write their own JSON write exactly what the codec writes for them. */
class SelfEncodedTest {

    private static final ObjectMapper CODEC = Wire.strictMapper();
    private final Random random = new Random(20261207);

    @Test
    void anAckIsWrittenAsTheCodecWritesIt() throws Exception {
        for (long seq : new long[] {1, 42, Ids.MAX_SEQ, Long.MAX_VALUE, 0, -7}) {
            HubMessage.Ack ack = new HubMessage.Ack(seq);
            assertEquals(CODEC.writeValueAsString(ack), Wire.encode(ack));
        }
    }

    @Test
    void stringsAreEscapedAsTheCodecEscapesThem() throws Exception {
        for (String edge : new String[] {"", "plain", "quote\"s", "back\\slash", "\b\t\n\f\r", "\u0000\u001f\u007f",
            "é ü 漢字 😀", "\ud800 lone", "/slash", "\u2028\u2029"}) {
            assertEquals(CODEC.writeValueAsString(edge), JsonText.string(new StringBuilder(), edge).toString(), edge);
        }
        for (int i = 0; i < 20_000; i++) {
            char[] chars = new char[random.nextInt(12)];
            for (int c = 0; c < chars.length; c++) {
                chars[c] = (char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000));
            }
            String value = new String(chars);
            assertEquals(CODEC.writeValueAsString(value), JsonText.string(new StringBuilder(), value).toString());
        }
    }

    @Test
    void numbersAreWrittenAsTheCodecWritesThem() throws Exception {
        Double[] edges = {0.0, -0.0, 1.0, -1.5, 21.5, 1e-7, 1e21, 123456789012345.0, Double.MIN_VALUE, Double.MAX_VALUE,
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, null};
        for (Double edge : edges) {
            assertEquals(CODEC.writeValueAsString(edge), JsonText.number(new StringBuilder(), edge).toString());
        }
        for (int i = 0; i < 20_000; i++) {
            double value = i % 2 == 0 ? Double.longBitsToDouble(random.nextLong())
                    : Math.round(random.nextGaussian() * 1e6) / 1000.0;
            assertEquals(CODEC.writeValueAsString(value), JsonText.number(new StringBuilder(), value).toString());
        }
    }

    @Test
    void metricMapsAreWrittenInTheirOrderAsTheCodecWritesThem() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            int size = random.nextInt(6);
            for (int m = 0; m < size; m++) {
                metrics.put("m" + random.nextInt(1000) + (m % 2 == 0 ? "" : "_°C\"x"),
                        m == 3 ? null : random.nextGaussian() * 100);
            }
            assertEquals(CODEC.writeValueAsString(metrics), JsonText.metrics(new StringBuilder(), metrics).toString());
        }
    }
}
