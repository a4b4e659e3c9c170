package org.telemetryhub.simulator.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.telemetryhub.protocol.Reading;

/**
 * Batch frames with three metrics per reading, written straight into a StringBuilder: the load generator shares the
 * machine with the hub, so it must spend as little CPU per reading as it can. The output is the same JSON document
 * as {@code Wire.batchFrame} for {@link #readings} (a test holds the two together).
 */
final class BatchFrames {

    static final String[] METRICS = {"humidity", "pressure", "temperature"};

    private BatchFrames() {}

    /** The batch frame for seqs {@code firstSeq … firstSeq+count-1}, all stamped {@code ts}. */
    static String frame(long firstSeq, int count, long ts) {
        StringBuilder out = new StringBuilder(32 + count * 96);
        out.append("{\"type\":\"batch\",\"readings\":[");
        for (int i = 0; i < count; i++) {
            long seq = firstSeq + i;
            if (i > 0) {
                out.append(',');
            }
            out.append("{\"seq\":").append(seq).append(",\"ts\":").append(ts).append(",\"metrics\":{\"")
                    .append(METRICS[0]).append("\":").append(humidity(seq)).append(",\"")
                    .append(METRICS[1]).append("\":").append(pressure(seq)).append(",\"")
                    .append(METRICS[2]).append("\":").append(temperature(seq)).append("}}");
        }
        return out.append("]}").toString();
    }

    /** The same readings as protocol records, for checking {@link #frame} against the protocol's codec. */
    static List<Reading> readings(long firstSeq, int count, long ts) {
        List<Reading> readings = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long seq = firstSeq + i;
            readings.add(new Reading(seq, ts, Map.of(METRICS[0], humidity(seq), METRICS[1], pressure(seq),
                    METRICS[2], temperature(seq))));
        }
        return readings;
    }

    // Plausible, finite values that vary with seq; one decimal keeps frames short.
    static double humidity(long seq) {
        return 30 + (seq % 400) / 10.0;
    }

    static double pressure(long seq) {
        return 990 + (seq % 500) / 10.0;
    }

    static double temperature(long seq) {
        return 15 + (seq % 200) / 10.0;
    }
}
