package org.telemetryhub.hub.core;

import java.util.Map;
import java.util.Optional;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.Ids;

/**
 * A device's units per metric ({@code {"temperature":"°C"}}): at most {@link #MAX_UNITS} entries, each a metric name
 * that follows the id rule and a unit of 1 to {@link #MAX_LENGTH} printable characters (no control or format
 * characters, no space at either end).
 */
public final class Units {

    public static final int MAX_UNITS = 32;
    public static final int MAX_LENGTH = 16;

    /** What is wrong with a set of units: a code and a sentence naming the metric, the rule and the value. */
    public record Problem(ErrorCode code, String message) {}

    private Units() {}

    public static Optional<Problem> check(Map<String, String> units) {
        if (units.size() > MAX_UNITS) {
            return Optional.of(new Problem(ErrorCode.INVALID_UNIT, "units must name at most " + MAX_UNITS
                    + " metrics, but named " + units.size()));
        }
        for (Map.Entry<String, String> unit : units.entrySet()) {
            if (!Ids.isValid(unit.getKey())) {
                return Optional.of(new Problem(ErrorCode.INVALID_METRIC_NAME, "units: a metric name must match "
                        + Ids.RULE + ", but was \"" + Ids.echo(unit.getKey()) + "\""));
            }
            if (!printable(unit.getValue())) {
                return Optional.of(new Problem(ErrorCode.INVALID_UNIT, "units." + unit.getKey() + " must be 1 to "
                        + MAX_LENGTH + " printable characters with no space at either end, but was \""
                        + Ids.echo(visible(unit.getValue())) + "\""));
            }
        }
        return Optional.empty();
    }

    private static boolean printable(String unit) {
        int length = unit.codePointCount(0, unit.length());
        if (length == 0 || length > MAX_LENGTH || !unit.equals(unit.strip())) {
            return false;
        }
        return unit.codePoints().allMatch(c -> switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> false;
            default -> true;
        });
    }

    /** The value with control characters shown as {@code \}{@code uXXXX}, so an echo cannot break a log or a page. */
    private static String visible(String unit) {
        StringBuilder out = new StringBuilder();
        unit.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
