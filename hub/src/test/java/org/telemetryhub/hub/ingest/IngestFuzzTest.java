package org.telemetryhub.hub.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import org.telemetryhub.hub.config.ConfigLoader;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.ingest.FrameParser.Parsed;
import org.telemetryhub.protocol.HubMessage;
import org.telemetryhub.protocol.Ids;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/**
 * Fuzz tests of what reads untrusted bytes: the frame parser, the reading validator and the JSON codec. In a normal
 * build they run as regression tests on the committed inputs under {@code IngestFuzzTestInputs/<method>/}; with
 * {@code JAZZER_FUZZ=1} one of them is fuzzed (see the README), and the inputs that find something are added there.
 * The properties: nothing throws, every verdict keeps its message short (no long echo), a valid reading holds only
 * finite numbers, and what the codec writes the parser and validator read back as the same reading.
 */
class IngestFuzzTest {

    private static final long NOW = 1_764_057_600_000L;
    private static final int MAX_MESSAGE = 400;
    private static final HubConfig.Ingest LIMITS = HubConfig.from(ConfigLoader.settings(Map.of())).ingest();
    private static final DeviceRef DEVICE = new DeviceRef(1, "fuzzed", "default", 60_000);

    private final FrameParser parser = new FrameParser(LIMITS.maxBatch());
    private final ReadingValidator validator = new ReadingValidator(LIMITS, Map.of(),
            Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

    @FuzzTest
    void any_frame_is_parsed_or_refused_with_a_short_sentence_and_every_reading_is_judged(FuzzedDataProvider data) {
        String frame = data.consumeRemainingAsString();

        Parsed parsed = parser.parse(frame);

        if (parsed instanceof Parsed.Malformed malformed) {
            assertTrue(malformed.message().length() < MAX_MESSAGE, malformed.message());
        } else if (parsed instanceof Parsed.BatchTooLarge tooLarge) {
            assertTrue(tooLarge.message().length() < MAX_MESSAGE, tooLarge.message());
        } else {
            for (FrameParser.Candidate candidate : ((Parsed.Readings) parsed).candidates()) {
                assertTrue(candidate.seq() >= Ids.MIN_SEQ && candidate.seq() <= Ids.MAX_SEQ);
                judge(candidate);
            }
        }
    }

    @FuzzTest
    void a_reading_the_codec_writes_is_read_back_as_the_same_reading_or_rejected(FuzzedDataProvider data) {
        long seq = data.consumeLong(Ids.MIN_SEQ, Ids.MAX_SEQ);
        long ts = NOW - data.consumeLong(-LIMITS.maxFutureMs(), LIMITS.maxAgeMs());
        Map<String, Double> metrics = new TreeMap<>();
        int count = data.consumeInt(1, 4);
        for (int i = 0; i < count; i++) {
            double value = data.consumeDouble();
            metrics.put(data.consumeString(70), value == 0 ? 0.0 : value); // the hub reads -0.0 as 0
        }
        Reading sent = new Reading(seq, ts, metrics);

        Parsed parsed = parser.parse(Wire.readingFrame(sent));

        FrameParser.Candidate candidate = ((Parsed.Readings) parsed).candidates().get(0);
        ReadingValidator.Result result = judge(candidate);
        boolean expectedValid = metrics.keySet().stream().allMatch(Ids::isValid)
                && metrics.values().stream().allMatch(Double::isFinite);
        assertEquals(expectedValid, result instanceof ReadingValidator.Result.Valid, result.toString());
        if (result instanceof ReadingValidator.Result.Valid valid) {
            assertEquals(sent, valid.reading());
        }
    }

    @FuzzTest
    void a_hub_message_the_codec_reads_is_written_back_to_the_same_message(FuzzedDataProvider data)
            throws JsonProcessingException {
        String json = data.consumeRemainingAsString();

        HubMessage message;
        try {
            message = Wire.decodeHubMessage(json);
        } catch (JsonProcessingException e) {
            return; // refused: the strict codec's answer to anything that is not exactly one message
        }

        assertEquals(message, Wire.decodeHubMessage(Wire.encode(message)));
    }

    private ReadingValidator.Result judge(FrameParser.Candidate candidate) {
        ReadingValidator.Result result = validator.check(DEVICE, candidate);
        if (result instanceof ReadingValidator.Result.Invalid invalid) {
            assertTrue(invalid.message().length() < MAX_MESSAGE, invalid.message());
        } else {
            Reading reading = ((ReadingValidator.Result.Valid) result).reading();
            reading.metrics().forEach((name, value) -> {
                assertTrue(Double.isFinite(value), name + " = " + value);
                assertTrue(Ids.isValid(name), name);
            });
        }
        return result;
    }
}
