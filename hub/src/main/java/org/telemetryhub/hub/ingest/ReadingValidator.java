package org.telemetryhub.hub.ingest;

import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.Ids;
import org.telemetryhub.protocol.Reading;

/**
 * Judges one reading whose seq is known: its timestamp, its metrics' count, names and values, and the namespace's
 * ranges. Every problem is a verdict whose sentence names the field, the rule and the value.
 */
public final class ReadingValidator {

    /** 2000-01-01T00:00:00Z: no device clock is set before this. */
    static final long EARLIEST_TS = 946_684_800_000L;
    /** Every power of ten that a double holds exactly. */
    private static final double[] POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    public sealed interface Result {
        record Valid(Reading reading) implements Result {}

        record Invalid(ErrorCode code, String message) implements Result {}
    }

    private final HubConfig.Ingest limits;
    private final Map<String, HubConfig.NamespaceRules> namespaces;
    private final Clock clock;

    public ReadingValidator(HubConfig.Ingest limits, Map<String, HubConfig.NamespaceRules> namespaces, Clock clock) {
        this.limits = limits;
        this.namespaces = namespaces;
        this.clock = clock;
    }

    public Result check(DeviceRef device, FrameParser.Candidate candidate) {
        return candidate instanceof FrameParser.Candidate.Plain plain
                ? checkPlain(device, plain) : checkTree(device, (FrameParser.Candidate.Tree) candidate);
    }

    /** A plain reading: its names and values are known good, so only its ts, metric count and ranges are left. */
    private Result checkPlain(DeviceRef device, FrameParser.Candidate.Plain candidate) {
        Result wrongTs = tsProblem(device, candidate, candidate.ts());
        if (wrongTs != null) {
            return wrongTs;
        }
        Map<String, Double> metrics = candidate.metrics();
        if (metrics.size() > limits.maxMetrics()) {
            return tooMany(device, candidate, metrics.size());
        }
        HubConfig.NamespaceRules rules = namespaces.get(device.namespace());
        if (rules != null) {
            for (Map.Entry<String, Double> metric : metrics.entrySet()) {
                Result outOfRange = rangeProblem(device, candidate, rules, metric.getKey(), metric.getValue());
                if (outOfRange != null) {
                    return outOfRange;
                }
            }
        }
        return new Result.Valid(new Reading(candidate.seq(), candidate.ts(), metrics));
    }

    private Result checkTree(DeviceRef device, FrameParser.Candidate.Tree candidate) {
        JsonNode body = candidate.body();
        JsonNode ts = body.get("ts");
        if (ts == null || !ts.isIntegralNumber() || !ts.canConvertToLong()) {
            return invalid(ErrorCode.INVALID_TS, "reading.ts must be an integer of epoch milliseconds, but was "
                    + (ts == null ? "missing" : FrameParser.shown(ts)) + where(device, candidate));
        }
        long value = ts.longValue();
        Result wrongTs = tsProblem(device, candidate, value);
        if (wrongTs != null) {
            return wrongTs;
        }
        JsonNode metrics = body.get("metrics");
        if (metrics == null || !metrics.isObject() || metrics.isEmpty()) {
            return invalid(ErrorCode.MISSING_METRICS, "reading.metrics must be a non-empty object of names to "
                    + "numbers, but was " + (metrics == null ? "missing" : metrics.isObject() ? "empty"
                    : FrameParser.kind(metrics)) + where(device, candidate));
        }
        if (metrics.size() > limits.maxMetrics()) {
            return tooMany(device, candidate, metrics.size());
        }
        HubConfig.NamespaceRules rules = namespaces.get(device.namespace());
        Map<String, Double> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = metrics.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> metric = it.next();
            String name = metric.getKey();
            if (!Ids.isValid(name)) {
                return invalid(ErrorCode.INVALID_METRIC_NAME, "reading.metrics names must match " + Ids.RULE
                        + ", but one was \"" + Ids.echo(name) + "\"" + where(device, candidate));
            }
            JsonNode number = metric.getValue();
            double v = number.isNumber() ? asDouble(number) : Double.NaN;
            if (!Double.isFinite(v)) {
                return invalid(ErrorCode.INVALID_METRIC_VALUE, "reading.metrics." + name
                        + " must be a finite number, but was " + FrameParser.shown(number) + where(device, candidate));
            }
            if (v == 0 && number.decimalValue().signum() != 0) {
                return invalid(ErrorCode.INVALID_METRIC_VALUE, "reading.metrics." + name
                        + " must be 0 or at least " + Double.MIN_VALUE + " in magnitude (it would be stored as 0), "
                        + "but was " + FrameParser.shown(number) + where(device, candidate));
            }
            Result outOfRange = rules == null ? null : rangeProblem(device, candidate, rules, name, v);
            if (outOfRange != null) {
                return outOfRange;
            }
            values.put(name, v);
        }
        return new Result.Valid(new Reading(candidate.seq(), value, values));
    }

    /** Why the reading's ts is refused, or null when the hub's clock allows it. */
    private Result tsProblem(DeviceRef device, FrameParser.Candidate candidate, long value) {
        long now = clock.millis();
        if (value < EARLIEST_TS) {
            return invalid(ErrorCode.INVALID_TS, "reading.ts must not be before 2000-01-01 (" + EARLIEST_TS
                    + "), but was " + value + where(device, candidate));
        }
        if (value > now + limits.maxFutureMs()) {
            return invalid(ErrorCode.INVALID_TS, "reading.ts must be at most " + limits.maxFutureMs()
                    + " ms ahead of the hub's clock, but was " + (value - now) + " ms ahead"
                    + where(device, candidate));
        }
        if (value < now - limits.maxAgeMs()) {
            return invalid(ErrorCode.INVALID_TS, "reading.ts must be at most " + limits.maxAgeMs()
                    + " ms old, but was " + (now - value) + " ms old" + where(device, candidate));
        }
        return null;
    }

    private Result tooMany(DeviceRef device, FrameParser.Candidate candidate, int count) {
        return invalid(ErrorCode.TOO_MANY_METRICS, "reading.metrics must hold at most " + limits.maxMetrics()
                + " metrics, but held " + count + where(device, candidate));
    }

    /** Why the namespace refuses this metric's value, or null when it is in range (or the metric has none). */
    private static Result rangeProblem(DeviceRef device, FrameParser.Candidate candidate,
                                       HubConfig.NamespaceRules rules, String name, double v) {
        HubConfig.Range range = rules.ranges().get(name);
        if (range != null && (v < range.min() || v > range.max())) {
            return invalid(ErrorCode.METRIC_OUT_OF_RANGE, "reading.metrics." + name + " must be in ["
                    + range.min() + ", " + range.max() + "] in namespace " + device.namespace()
                    + ", but was " + v + where(device, candidate));
        }
        return null;
    }

    /** Where a verdict's sentence says the reading was; made only for a verdict. */
    private static String where(DeviceRef device, FrameParser.Candidate candidate) {
        return " (device " + device.id() + ", seq " + candidate.seq() + ")";
    }

    /**
     * The number as the nearest double. The wire parser reads decimals exactly; a decimal of at most 15 digits and
     * at most 22 after the point is one exact division of two doubles (so correctly rounded); a longer one goes through
     * the codec's fast parser (also correctly rounded), which spares the JDK's big-integer conversion for the full
     * precision numbers devices send.
     */
    static double asDouble(JsonNode number) {
        if (number.isBigDecimal()) {
            BigDecimal decimal = number.decimalValue();
            if (decimal.scale() >= 0 && decimal.scale() < POWERS_OF_TEN.length && decimal.precision() <= 15) {
                return decimal.unscaledValue().longValue() / POWERS_OF_TEN[decimal.scale()];
            }
            return NumberInput.parseDouble(decimal.toString(), true);
        }
        return number.doubleValue();
    }

    private static Result invalid(ErrorCode code, String message) {
        return new Result.Invalid(code, message);
    }
}
