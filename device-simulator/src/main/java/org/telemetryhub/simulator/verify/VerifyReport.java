package org.telemetryhub.simulator.verify;

import java.util.List;
import java.util.Map;

/**
 * What the checker found, per transport, and a sample of the problems behind any non-zero count.
 *
 * @param rows     one row per transport, in the fleet's order
 * @param problems sentences naming device, seq and what went wrong (at most {@link Checker#PROBLEM_SAMPLE})
 */
public record VerifyReport(List<Row> rows, List<String> problems) {

    /**
     * One transport's figures. {@code lost}: acked but not stored, or stored with other content. {@code duplicated}:
     * one payload stored under two seqs, a seq stored twice, or a reading delivered twice to a dashboard or an SSE
     * observer. {@code unacked}: neither acked nor rejected after the drain. {@code misjudged}: an invalid reading
     * stored, or a reading rejected with another code than expected (a valid one at all). {@code streamGaps}:
     * stored readings an observer never got.
     */
    public record Row(String transport, int devices, int observed, long sent, long acked, long stored, long lost,
                      long duplicated, long invalid, long rejectedAsExpected, long unacked, long misjudged,
                      long streamGaps) {

        public boolean clean() {
            return lost == 0 && duplicated == 0 && unacked == 0 && misjudged == 0 && streamGaps == 0;
        }
    }

    public boolean passed() {
        return rows.stream().allMatch(Row::clean);
    }

    public long lost() {
        return rows.stream().mapToLong(Row::lost).sum();
    }

    public long duplicated() {
        return rows.stream().mapToLong(Row::duplicated).sum();
    }

    /** The figures as JSON-ready maps, one per transport. */
    public List<Map<String, Object>> json() {
        return rows.stream().<Map<String, Object>>map(r -> {
            Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("transport", r.transport());
            row.put("devices", r.devices());
            row.put("observed", r.observed());
            row.put("sent", r.sent());
            row.put("acked", r.acked());
            row.put("stored", r.stored());
            row.put("lost", r.lost());
            row.put("duplicated", r.duplicated());
            row.put("invalid", r.invalid());
            row.put("rejectedAsExpected", r.rejectedAsExpected());
            row.put("unacked", r.unacked());
            row.put("misjudged", r.misjudged());
            row.put("streamGaps", r.streamGaps());
            return row;
        }).toList();
    }
}
