package org.telemetryhub.hub.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.telemetryhub.protocol.Ids;

/**
 * Reads the frames devices send most, a reading or a batch of readings holding only a seq, a ts and metrics of
 * finite, non-zero numbers under valid names, with the streaming parser: no tree, no decimal objects and no set per
 * object for duplicate keys (together a fifth of what the hub allocated per reading). Anything else, from a repeated
 * or unknown key to a zero (the tree reads {@code -0.0} as 0) to malformed JSON, is left to the tree, so the frames
 * read here get the very verdicts the tree gives them (a test holds the two together on random frames).
 */
final class PlainFrames {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();
    /** Thrown to leave a frame to the tree; carries nothing, so it costs no stack trace. */
    private static final RuntimeException NOT_PLAIN = new RuntimeException(null, null, false, false) {};

    private static final int TYPE = 1;
    private static final int SEQ = 2;
    private static final int TS = 4;
    private static final int METRICS = 8;
    private static final int READINGS = 16;
    private static final int READING_FIELDS = SEQ | TS | METRICS;

    private PlainFrames() {}

    /** The frame's readings, or null when it is not a plain frame and the tree must read it. */
    static List<FrameParser.Candidate> read(String frame, int maxBatch) {
        try (JsonParser in = JSON.createParser(frame)) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Fields root = fields(in, true, maxBatch);
            if (in.nextToken() != null) {
                return null;
            }
            if (root.seen == (TYPE | READING_FIELDS) && root.type.equals("reading")) {
                return List.of(root.candidate());
            }
            if (root.seen == (TYPE | READINGS) && root.type.equals("batch")) {
                return root.batch;
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The members of the object the parser is at the start of, up to its end. */
    private static Fields fields(JsonParser in, boolean root, int maxBatch) throws IOException {
        Fields fields = new Fields();
        while (in.nextToken() == JsonToken.FIELD_NAME) {
            String name = in.currentName();
            JsonToken value = in.nextToken();
            int field;
            switch (name) {
                case "type" -> {
                    field = TYPE;
                    fields.type = text(in, value);
                }
                case "seq" -> {
                    field = SEQ;
                    fields.seq = integer(in, value);
                    if (fields.seq < Ids.MIN_SEQ || fields.seq > Ids.MAX_SEQ) {
                        throw NOT_PLAIN;
                    }
                }
                case "ts" -> {
                    field = TS;
                    fields.ts = integer(in, value);
                }
                case "metrics" -> {
                    field = METRICS;
                    fields.metrics = metrics(in, value);
                }
                case "readings" -> {
                    if (!root) {
                        throw NOT_PLAIN;
                    }
                    field = READINGS;
                    fields.batch = batch(in, value, maxBatch);
                }
                default -> throw NOT_PLAIN;
            }
            if ((fields.seen & field) != 0) {
                throw NOT_PLAIN;
            }
            fields.seen |= field;
        }
        if (in.currentToken() != JsonToken.END_OBJECT) {
            throw NOT_PLAIN;
        }
        return fields;
    }

    private static List<FrameParser.Candidate> batch(JsonParser in, JsonToken value, int maxBatch)
            throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw NOT_PLAIN;
        }
        List<FrameParser.Candidate> readings = new ArrayList<>();
        while (in.nextToken() == JsonToken.START_OBJECT) {
            Fields entry = fields(in, false, maxBatch);
            boolean typed = (entry.seen & TYPE) != 0;
            if ((entry.seen & ~TYPE) != READING_FIELDS || typed && !entry.type.equals("reading")
                    || readings.size() == maxBatch) {
                throw NOT_PLAIN;
            }
            readings.add(entry.candidate());
        }
        if (in.currentToken() != JsonToken.END_ARRAY || readings.isEmpty()) {
            throw NOT_PLAIN;
        }
        return readings;
    }

    /** Metrics in the frame's order (the order the validator judges their ranges in). */
    private static Map<String, Double> metrics(JsonParser in, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            throw NOT_PLAIN;
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        while (in.nextToken() == JsonToken.FIELD_NAME) {
            String name = in.currentName();
            JsonToken number = in.nextToken();
            double v;
            if (number == JsonToken.VALUE_NUMBER_FLOAT) {
                v = in.getDoubleValue();
            } else {
                v = integer(in, number);
            }
            if (!Ids.isValid(name) || !Double.isFinite(v) || v == 0 || metrics.put(name, v) != null) {
                throw NOT_PLAIN;
            }
        }
        if (in.currentToken() != JsonToken.END_OBJECT || metrics.isEmpty()) {
            throw NOT_PLAIN;
        }
        return metrics;
    }

    private static long integer(JsonParser in, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT || in.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw NOT_PLAIN;
        }
        return in.getLongValue();
    }

    private static String text(JsonParser in, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw NOT_PLAIN;
        }
        return in.getText();
    }

    private static final class Fields {
        int seen;
        String type;
        long seq;
        long ts;
        Map<String, Double> metrics;
        List<FrameParser.Candidate> batch;

        FrameParser.Candidate candidate() {
            return new FrameParser.Candidate.Plain(seq, ts, metrics);
        }
    }
}
