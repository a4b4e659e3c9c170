package org.telemetryhub.client.link;

import java.util.List;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/**
 * One frame as it goes on the wire: the seqs of its readings, in the order they appear, and its JSON text (a
 * {@code reading} frame or a {@code batch}). Transports need nothing else of the readings.
 */
public record Frame(List<Long> seqs, String json) {

    public Frame {
        seqs = List.copyOf(seqs);
        if (seqs.isEmpty()) {
            throw new IllegalArgumentException("frame.seqs must not be empty");
        }
    }

    /** The frame for these readings, in this order: a {@code reading} frame for one, a {@code batch} for more. */
    public static Frame ofReadings(List<Reading> readings) {
        List<Long> seqs = readings.stream().map(Reading::seq).toList();
        return new Frame(seqs, readings.size() == 1 ? Wire.readingFrame(readings.get(0)) : Wire.batchFrame(readings));
    }

    /** The frame for readings already encoded as JSON objects (without {@code type}), in this order. */
    public static Frame of(List<Long> seqs, List<String> readingJson) {
        if (readingJson.size() == 1) {
            return new Frame(seqs, "{\"type\":\"reading\"," + readingJson.get(0).substring(1));
        }
        StringBuilder text = new StringBuilder(32 + readingJson.size() * 128).append("{\"type\":\"batch\",\"readings\":[");
        for (int i = 0; i < readingJson.size(); i++) {
            if (i > 0) {
                text.append(',');
            }
            text.append(readingJson.get(i));
        }
        return new Frame(seqs, text.append("]}").toString());
    }
}
