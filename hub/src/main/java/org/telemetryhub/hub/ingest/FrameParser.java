package org.telemetryhub.hub.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.telemetryhub.protocol.Ids;
import org.telemetryhub.protocol.Wire;

/**
 * Turns a device frame into readings tied to their seqs. Only what cannot be tied to a seq fails the frame: malformed
 * JSON, duplicate keys, a missing or unknown type, a top-level non-object, a bad seq; everything else about a reading
 * is judged later, reading by reading.
 */
public final class FrameParser {

    /** A reading whose seq is valid; the rest of it is judged by the validator. */
    public sealed interface Candidate {
        long seq();

        /** A reading as its JSON tree: nothing but its seq checked yet. */
        record Tree(long seq, JsonNode body) implements Candidate {}

        /**
         * A reading of a plain frame, read without a tree: well-formed, its metrics (in the frame's order) finite and
         * non-zero numbers under valid names; its ts, the number of its metrics and their ranges not checked yet.
         */
        record Plain(long seq, long ts, Map<String, Double> metrics) implements Candidate {}
    }

    public sealed interface Parsed {
        record Readings(List<Candidate> candidates) implements Parsed {}

        record Malformed(String message) implements Parsed {}

        record BatchTooLarge(String message) implements Parsed {}
    }

    private final int maxBatch;

    public FrameParser(int maxBatch) {
        this.maxBatch = maxBatch;
    }

    /** The readings of a frame: a plain one read as it streams by, any other through its JSON tree. */
    public Parsed parse(String frame) {
        List<Candidate> plain = PlainFrames.read(frame, maxBatch);
        return plain != null ? new Parsed.Readings(plain) : parseTree(frame);
    }

    /** What {@link #parse} gives any frame, read through its JSON tree. */
    Parsed parseTree(String frame) {
        JsonNode root;
        try {
            root = Wire.tree(frame);
        } catch (JsonProcessingException e) {
            return new Parsed.Malformed(describe(e));
        }
        if (root == null || !root.isObject()) {
            return new Parsed.Malformed("frame must be a JSON object, but was " + kind(root));
        }
        JsonNode type = root.get("type");
        if (type == null) {
            return new Parsed.Malformed("frame.type must be \"reading\" or \"batch\", but was missing");
        }
        if (type.isTextual() && type.asText().equals("reading")) {
            return one(root, "reading").<Parsed>map(c -> new Parsed.Readings(List.of(c)))
                    .orElseGet(() -> new Parsed.Malformed(seqProblem(root.get("seq"), "reading")));
        }
        if (type.isTextual() && type.asText().equals("batch")) {
            return batch(root.get("readings"));
        }
        return new Parsed.Malformed("frame.type must be \"reading\" or \"batch\", but was " + shown(type));
    }

    private Parsed batch(JsonNode readings) {
        if (readings == null || !readings.isArray() || readings.isEmpty()) {
            return new Parsed.Malformed("batch.readings must be a non-empty array, but was "
                    + (readings == null ? "missing" : readings.isArray() ? "empty" : kind(readings)));
        }
        if (readings.size() > maxBatch) {
            return new Parsed.BatchTooLarge("batch.readings must hold at most " + maxBatch
                    + " readings, but held " + readings.size());
        }
        List<Candidate> candidates = new ArrayList<>(readings.size());
        for (int i = 0; i < readings.size(); i++) {
            JsonNode entry = readings.get(i);
            String where = "batch.readings[" + i + "]";
            if (!entry.isObject()) {
                return new Parsed.Malformed(where + " must be a JSON object, but was " + kind(entry));
            }
            JsonNode type = entry.get("type");
            if (type != null && !(type.isTextual() && type.asText().equals("reading"))) {
                return new Parsed.Malformed(where + ".type must be \"reading\" or absent, but was " + shown(type));
            }
            var candidate = one(entry, where);
            if (candidate.isEmpty()) {
                return new Parsed.Malformed(seqProblem(entry.get("seq"), where));
            }
            candidates.add(candidate.get());
        }
        return new Parsed.Readings(candidates);
    }

    private static java.util.Optional<Candidate> one(JsonNode body, String where) {
        JsonNode seq = body.get("seq");
        if (seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong()) {
            return java.util.Optional.empty();
        }
        long value = seq.longValue();
        if (value < Ids.MIN_SEQ || value > Ids.MAX_SEQ) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Candidate.Tree(value, body));
    }

    private static String seqProblem(JsonNode seq, String where) {
        return where + ".seq must be an integer in [1, " + Ids.MAX_SEQ + "], but was "
                + (seq == null ? "missing" : shown(seq));
    }

    private static String describe(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (original.startsWith("Duplicate field")) {
            int open = original.indexOf('\'');
            int close = original.lastIndexOf('\'');
            String key = open >= 0 && close > open ? original.substring(open + 1, close) : "?";
            return "frame must not repeat a key, but repeated \"" + Ids.echo(key) + "\"";
        }
        var location = e instanceof StreamReadException read ? read.getLocation() : e.getLocation();
        String at = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        if (original.startsWith("Trailing token")) {
            return "frame must hold exactly one JSON value, but had more" + at;
        }
        return "frame must be valid JSON, but was malformed" + at;
    }

    static String shown(JsonNode node) {
        return Ids.echo(node.toString());
    }

    static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "empty";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return "null";
    }
}
