package org.telemetryhub.protocol;

import java.util.Map;

/** What {@link SelfEncoded} messages write with: strings, numbers and metric maps as the codec writes them. */
public final class JsonText {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private JsonText() {}

    /** Writes {@code "name":} for a field name that needs no escaping (a constant of the message). */
    public static StringBuilder field(StringBuilder out, String name) {
        return out.append('"').append(name).append("\":");
    }

    /** A JSON string: quotes, backslashes and control characters escaped, everything else as it is. */
    public static StringBuilder string(StringBuilder out, String value) {
        if (value == null) {
            return out.append("null");
        }
        out.append('"');
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(value, start, i);
            start = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.append(value, start, value.length()).append('"');
    }

    /** A double as the codec writes it: its shortest decimal form, and a non-finite value as a string. */
    public static StringBuilder number(StringBuilder out, Double value) {
        if (value == null) {
            return out.append("null");
        }
        double v = value;
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return out.append('"').append(v).append('"');
        }
        return out.append(v);
    }

    /** A reading's metrics as the codec writes them, for the store. */
    public static String metrics(Map<String, Double> metrics) {
        return metrics(new StringBuilder(16 + 24 * (metrics == null ? 0 : metrics.size())), metrics).toString();
    }

    /** A map of metric names to values, in the map's order. */
    public static StringBuilder metrics(StringBuilder out, Map<String, Double> metrics) {
        if (metrics == null) {
            return out.append("null");
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Double> metric : metrics.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            string(out, metric.getKey()).append(':');
            number(out, metric.getValue());
        }
        return out.append('}');
    }
}
