package org.telemetryhub.hub.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.telemetryhub.protocol.Wire;

/** A metric's value is the double nearest to the number the device wrote, whichever conversion finds it. */
class MetricValueTest {

    private static double parsed(String number) throws JsonProcessingException {
        return ReadingValidator.asDouble(Wire.tree("{\"v\":" + number + "}").get("v"));
    }

    /** The general conversion of the exact decimal (a decimal has no negative zero: "-0.0" is 0). */
    private static double general(String number) throws JsonProcessingException {
        return Wire.tree("{\"v\":" + number + "}").get("v").doubleValue();
    }

    @Test
    void asDouble_ofWrittenNumbers_isTheGeneralConversionsDouble() throws JsonProcessingException {
        List<String> numbers = List.of("0", "0.0", "-0.0", "21.5", "-3.25", "0.1", "0.3", "1e3", "1E-7", "2.5e-3",
                "123456789012345", "1234567890.12345", "0.0000000000000000000001", "9007199254740993",
                "1.7976931348623157e308", "4.9e-324", "1e-400", "123456789012345678901234567890.5",
                "0.12345678901234567890123", "99999999999999.9", "-987654.321012345");
        for (String number : numbers) {
            assertEquals(general(number), parsed(number), number);
            assertEquals(Double.parseDouble(number) + 0.0, parsed(number), number);
        }
    }

    @Test
    void asDouble_ofRandomDecimals_isWhatJavaParses() throws JsonProcessingException {
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            long digits = random.nextLong() % 1_000_000_000_000_000L;
            int scale = random.nextInt(25);
            String number = new java.math.BigDecimal(java.math.BigInteger.valueOf(digits), scale).toPlainString();
            assertEquals(Double.parseDouble(number), parsed(number), number);
        }
    }

    @Test
    void asDouble_ofFullPrecisionDoubles_isWhatJavaParses() throws JsonProcessingException {
        Random random = new Random(12);
        for (int i = 0; i < 20_000; i++) {
            double value = i % 2 == 0 ? random.nextDouble() * 100 : Double.longBitsToDouble(random.nextLong());
            if (!Double.isFinite(value)) {
                continue;
            }
            String number = i % 3 == 0 ? new java.math.BigDecimal(Double.toString(value)).toPlainString()
                    : Double.toString(value);
            assertEquals(Double.parseDouble(number), parsed(number), number);
        }
    }
}
