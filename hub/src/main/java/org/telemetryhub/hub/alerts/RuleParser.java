package org.telemetryhub.hub.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.telemetryhub.hub.core.AlertRule;
import org.telemetryhub.protocol.Ids;

/**
 * Reads a rule definition strictly: every field checked, unknown and misplaced fields refused, so that a typo never
 * makes a rule that silently judges nothing.
 */
public final class RuleParser {

    static final List<String> OPS = List.of(">", ">=", "<", "<=");
    static final List<String> SEVERITIES = List.of("info", "warning", "critical");
    static final long MAX_FOR_MS = 30L * 86_400_000;
    static final long MIN_SILENCE_MS = 1_000;
    private static final int MAX_NAME = 200;
    private static final Set<String> THRESHOLD_FIELDS = Set.of("name", "kind", "namespace", "deviceId", "metric",
            "op", "threshold", "clearThreshold", "forMs", "severity");
    private static final Set<String> SILENCE_FIELDS = Set.of("name", "kind", "namespace", "deviceId", "forMs",
            "severity");

    private RuleParser() {}

    /** The rule a body defines, with id 0 and {@code since} = {@code now}. */
    public static AlertRule parse(JsonNode body, long now) throws InvalidDefinition {
        String kind = body.has("kind") ? text(body, "kind") : AlertRule.THRESHOLD;
        if (!kind.equals(AlertRule.THRESHOLD) && !kind.equals(AlertRule.SILENCE)) {
            throw invalid("kind", "must be threshold or silence", body.get("kind"));
        }
        boolean silence = kind.equals(AlertRule.SILENCE);
        Set<String> allowed = silence ? SILENCE_FIELDS : THRESHOLD_FIELDS;
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!allowed.contains(field)) {
                throw new InvalidDefinition(Ids.echo(field) + " is not a field of a " + kind + " rule (its fields are "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
        String name = text(body, "name");
        if (name.isBlank() || name.length() > MAX_NAME) {
            throw invalid("name", "must be 1 to " + MAX_NAME + " characters, not blank", body.get("name"));
        }
        if (body.has("namespace") == body.has("deviceId")) {
            throw new InvalidDefinition("a rule must name exactly one of namespace and deviceId, but named "
                    + (body.has("namespace") ? "both" : "neither"));
        }
        String namespace = body.has("namespace") ? id(body, "namespace") : null;
        String deviceId = body.has("deviceId") ? id(body, "deviceId") : null;
        String severity = choice(body, "severity", SEVERITIES);
        if (silence) {
            long forMs = integer(body, "forMs", null, MIN_SILENCE_MS);
            return new AlertRule(0, name, kind, namespace, deviceId, null, null, null, null, forMs, severity, now);
        }
        String metric = id(body, "metric");
        String op = choice(body, "op", OPS);
        double threshold = number(body, "threshold");
        double clearThreshold = body.has("clearThreshold") ? number(body, "clearThreshold") : threshold;
        boolean above = op.startsWith(">");
        if (above ? clearThreshold > threshold : clearThreshold < threshold) {
            throw invalid("clearThreshold", "must be " + (above ? "at most" : "at least") + " threshold ("
                    + threshold + ") for op " + op, body.get("clearThreshold"));
        }
        long forMs = integer(body, "forMs", 0L, 0);
        return new AlertRule(0, name, kind, namespace, deviceId, metric, op, threshold, clearThreshold, forMs,
                severity, now);
    }

    private static String text(JsonNode body, String field) throws InvalidDefinition {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual()) {
            throw invalid(field, "must be a string", value);
        }
        return value.asText();
    }

    private static String id(JsonNode body, String field) throws InvalidDefinition {
        String value = text(body, field);
        if (!Ids.isValid(value)) {
            throw invalid(field, "must match " + Ids.RULE, body.get(field));
        }
        return value;
    }

    private static String choice(JsonNode body, String field, List<String> allowed) throws InvalidDefinition {
        String value = text(body, field);
        if (!allowed.contains(value)) {
            throw invalid(field, "must be one of " + String.join(", ", allowed), body.get(field));
        }
        return value;
    }

    private static double number(JsonNode body, String field) throws InvalidDefinition {
        JsonNode value = body.get(field);
        if (value == null || !value.isNumber() || !Double.isFinite(value.doubleValue())) {
            throw invalid(field, "must be a finite number", value);
        }
        return value.doubleValue();
    }

    private static long integer(JsonNode body, String field, Long fallback, long min) throws InvalidDefinition {
        JsonNode value = body.get(field);
        if (value == null && fallback != null) {
            return fallback;
        }
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min
                || value.longValue() > MAX_FOR_MS) {
            throw invalid(field, "must be an integer in [" + min + ", " + MAX_FOR_MS + "]", value);
        }
        return value.longValue();
    }

    private static InvalidDefinition invalid(String field, String rule, JsonNode value) {
        return new InvalidDefinition(field + " " + rule + ", but was " + (value == null ? "missing"
                : Ids.echo(value.toString())));
    }
}
