package org.telemetryhub.hub.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.config.ConfigLoader;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.ingest.FrameParser.Parsed;

/**
 * Plain frames are read as they stream by, every other frame through its JSON tree; whichever way a frame goes, it
 * gets the same verdicts. Random frames near the plain shape (and off it in every way the generator knows) are read
 * both ways and judged.
 */
class PlainFramesTest {

    private static final long NOW = 1_764_057_600_000L;
    private static final HubConfig.Ingest LIMITS = HubConfig.from(ConfigLoader.settings(Map.of())).ingest();
    private static final int MAX_BATCH = 5;
    private static final DeviceRef DEVICE = new DeviceRef(1, "sensor-1", "plant", 60_000);

    private final FrameParser parser = new FrameParser(MAX_BATCH);
    private final ReadingValidator validator = new ReadingValidator(LIMITS,
            Map.of("plant", new HubConfig.NamespaceRules(Map.of("temperature", new HubConfig.Range(-40, 85),
                    "humidity", new HubConfig.Range(0, 100)), Optional.empty())),
            Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    private final Random random = new Random(20261207);

    @Test
    void a_plain_reading_is_read_without_a_tree() {
        String frame = "{\"type\":\"reading\",\"seq\":7,\"ts\":" + NOW + ",\"metrics\":{\"temperature\":21.5,"
                + "\"humidity\":40}}";

        List<FrameParser.Candidate> read = PlainFrames.read(frame, MAX_BATCH);

        assertNotNull(read);
        FrameParser.Candidate.Plain plain = assertInstanceOf(FrameParser.Candidate.Plain.class, read.get(0));
        assertEquals(Map.of("temperature", 21.5, "humidity", 40.0), plain.metrics());
        assertEquals(7, plain.seq());
    }

    @Test
    void a_frame_with_anything_unusual_is_left_to_the_tree() {
        for (String frame : List.of(
                "{\"type\":\"reading\",\"seq\":7,\"ts\":" + NOW + ",\"metrics\":{\"t\":-0.0}}",
                "{\"type\":\"reading\",\"seq\":7,\"seq\":7,\"ts\":" + NOW + ",\"metrics\":{\"t\":1}}",
                "{\"type\":\"reading\",\"seq\":7,\"ts\":" + NOW + ",\"metrics\":{\"t\":1},\"note\":1}",
                "{\"type\":\"reading\",\"seq\":7,\"ts\":" + NOW + ",\"metrics\":{\"t\":1}} {}",
                "{\"type\":\"batch\",\"readings\":[]}")) {
            assertNull(PlainFrames.read(frame, MAX_BATCH), frame);
        }
    }

    @Test
    void every_frame_gets_the_same_verdicts_read_plainly_as_through_its_tree() {
        int plain = 0;
        int frames = 30_000;
        for (int i = 0; i < frames; i++) {
            String frame = random.nextInt(3) == 0 ? batch() : reading(true);
            if (PlainFrames.read(frame, MAX_BATCH) != null) {
                plain++;
            }

            assertEquals(verdicts(parser.parseTree(frame)), verdicts(parser.parse(frame)), frame);
        }
        assertTrue(plain > frames / 10, "plain frames: " + plain + " of " + frames);
        assertTrue(plain < frames * 9 / 10, "plain frames: " + plain + " of " + frames);
    }

    /** What a frame comes to: its refusal, or each reading's verdict. */
    private List<Object> verdicts(Parsed parsed) {
        if (!(parsed instanceof Parsed.Readings readings)) {
            return List.of(parsed);
        }
        List<Object> verdicts = new ArrayList<>();
        for (FrameParser.Candidate candidate : readings.candidates()) {
            verdicts.add(candidate.seq());
            verdicts.add(validator.check(DEVICE, candidate));
        }
        return verdicts;
    }

    private String batch() {
        int size = random.nextInt(100) < 90 ? 1 + random.nextInt(MAX_BATCH) : random.nextInt(2) * (MAX_BATCH + 1);
        List<String> readings = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            readings.add(reading(false));
        }
        List<String> members = new ArrayList<>(List.of("\"type\":" + pick("\"batch\"", "\"batch\"", "\"reading\""),
                "\"readings\":" + (rarely() ? "{}" : "[" + String.join(",", readings) + "]")));
        return object(members);
    }

    private String reading(boolean root) {
        List<String> members = new ArrayList<>();
        if (root || rarely()) {
            members.add("\"type\":" + (root ? usually("\"reading\"", "\"batch\"", "\"read\\u0069ng\"", "1")
                    : pick("\"reading\"", "\"batch\"")));
        }
        members.add("\"seq\":" + usually(Integer.toString(1 + random.nextInt(1_000_000)), "1", "9007199254740991",
                "9007199254740992", "0", "-3", "1.0", "\"7\"", "99999999999999999999"));
        members.add("\"ts\":" + usually(Long.toString(NOW - random.nextInt(100_000)), Long.toString(NOW + 600_000),
                "946684799999", "1.7e12", "null", "99999999999999999999"));
        List<String> metrics = new ArrayList<>();
        int count = random.nextInt(100) < 95 ? 1 + random.nextInt(4) : random.nextInt(2) * (LIMITS.maxMetrics() + 1);
        for (int i = 0; i < count; i++) {
            metrics.add(usually("\"m" + i + "\"", "\"temperature\"", "\"humidity\"", "\"pressure\"", "\"bad name\"",
                    "\"\\u0074emp\"") + ":" + number());
        }
        members.add("\"metrics\":" + (rarely() ? pick("{}", "[]", "3") : "{" + String.join(",", metrics) + "}"));
        if (rarely()) {
            members.add(pick("\"seq\":2", "\"note\":\"x\"", "\"metrics\":{\"t\":1}"));
        }
        if (rarely()) {
            members.remove(random.nextInt(members.size()));
        }
        String object = object(members);
        return root && rarely() ? object + pick(" ", "\n", " {}", "]", "x") : object;
    }

    private String number() {
        return switch (random.nextInt(20)) {
            case 0 -> Integer.toString(random.nextInt(2001) - 1000);
            case 1 -> Long.toString(random.nextLong());
            case 2 -> pick("0", "-0", "0.0", "-0.0", "0e5", "1e-400", "-2e-330", "4.9e-324", "1e400", "-1e309");
            case 3 -> pick("12345678901234567890123", "-9223372036854775808", "9223372036854775807",
                    "9223372036854775808", "1.7976931348623157e308", "2.2250738585072014e-308");
            case 4 -> pick("\"21.5\"", "true", "null", "[1]", "{}", "NaN", "01", ".5", "1.", "+1");
            case 5 -> String.format("%.3e", (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20));
            case 6 -> Double.toString(Double.longBitsToDouble(random.nextLong()));
            case 7 -> Double.toString(-60 + random.nextDouble() * 200);
            default -> Double.toString(Math.round((random.nextDouble() * 120 - 20) * 1000) / 1000.0);
        };
    }

    private String object(List<String> members) {
        if (rarely()) {
            Collections.shuffle(members, random);
        }
        return "{" + String.join(pick(",", ",", ", "), members) + "}";
    }

    /** Mostly the first choice, else one of the others. */
    private String usually(String usual, String... others) {
        return random.nextInt(10) < 8 ? usual : pick(others);
    }

    private boolean rarely() {
        return random.nextInt(12) == 0;
    }

    private String pick(String... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
