package org.telemetryhub.simulator.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.telemetryhub.simulator.device.TransportStats;
import org.telemetryhub.simulator.verify.VerifyReport;

/** The final tables of a run, for people, and the same figures as one JSON object. */
final class Summary {

    private Summary() {}

    static String table(List<TransportStats.Snapshot> stats, long unackedAfterDrain, double cpuCores,
                        VerifyReport verify) {
        StringBuilder text = new StringBuilder();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"transport", "devices", "made", "sent", "acked", "rejected", "resent", "dup sends", "reordered",
            "refused", "reconnects", "ack p50 ms", "ack p99 ms"});
        for (TransportStats.Snapshot s : stats) {
            rows.add(new String[] {s.transport(), n(s.devices()), n(s.made()), n(s.sent()), n(s.acked()),
                n(s.rejected()), n(s.resent()), n(s.duplicateSends()), n(s.outOfOrder()), n(s.refused()), n(s.reconnects()),
                ms(s.ackMillis(50)), ms(s.ackMillis(99))});
        }
        render(text, rows);
        stats.stream().filter(s -> !s.linkDowns().isEmpty()).forEach(s -> text.append("  ").append(s.transport())
                .append(" links ended: ").append(s.linkDowns()).append('\n'));
        text.append(String.format(Locale.ROOT, "unacked after the drain: %,d readings; simulator process CPU: %.2f "
                + "cores on average%n", unackedAfterDrain, cpuCores));
        if (verify != null) {
            text.append('\n');
            List<String[]> checks = new ArrayList<>();
            checks.add(new String[] {"verify", "devices", "observed", "sent", "acked", "stored", "lost",
                "duplicated", "invalid", "rejected as expected", "unacked", "misjudged", "stream gaps"});
            for (VerifyReport.Row r : verify.rows()) {
                checks.add(new String[] {r.transport(), n(r.devices()), n(r.observed()), n(r.sent()), n(r.acked()),
                    n(r.stored()), n(r.lost()), n(r.duplicated()), n(r.invalid()), n(r.rejectedAsExpected()),
                    n(r.unacked()), n(r.misjudged()), n(r.streamGaps())});
            }
            render(text, checks);
            verify.problems().forEach(p -> text.append("  problem: ").append(p).append('\n'));
            text.append(verify.passed() ? "verify: PASSED (nothing lost, nothing duplicated, every invalid reading "
                    + "rejected)\n" : "verify: FAILED\n");
        }
        return text.toString();
    }

    static Map<String, Object> json(Map<String, Object> run, List<TransportStats.Snapshot> stats,
                                    long unackedAfterDrain, double cpuCores, VerifyReport verify) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run", run);
        json.put("transports", stats.stream().<Map<String, Object>>map(s -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("transport", s.transport());
            row.put("devices", s.devices());
            row.put("made", s.made());
            row.put("sent", s.sent());
            row.put("acked", s.acked());
            row.put("rejected", s.rejected());
            row.put("resent", s.resent());
            row.put("duplicateSends", s.duplicateSends());
            row.put("outOfOrder", s.outOfOrder());
            row.put("refused", s.refused());
            row.put("reconnects", s.reconnects());
            row.put("ackP50Ms", s.ackMillis(50));
            row.put("ackP99Ms", s.ackMillis(99));
            return row;
        }).toList());
        json.put("unackedAfterDrain", unackedAfterDrain);
        json.put("cpuCores", Math.round(cpuCores * 100) / 100.0);
        if (verify != null) {
            json.put("verify", verify.json());
            json.put("problems", verify.problems());
            json.put("passed", verify.passed());
        }
        return json;
    }

    private static void render(StringBuilder text, List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                text.append(i == 0 ? String.format("%-" + widths[i] + "s", row[i])
                        : String.format("  %" + widths[i] + "s", row[i]));
            }
            text.append('\n');
        }
    }

    private static String n(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
