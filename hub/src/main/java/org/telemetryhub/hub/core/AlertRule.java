package org.telemetryhub.hub.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A rule that raises alerts: {@code threshold} on one metric (with hysteresis: an alert clears only once the value is
 * past {@code clearThreshold} on the other side) or {@code silence} of a device. It names either a {@code namespace}
 * or a {@code deviceId}; the other is null, and so are the threshold fields of a silence rule. {@code forMs} is how
 * long the condition must hold, on hub commit time; {@code since} is when the rule took its current form, so that no
 * reading stored before it is judged by it. On the wire, absent fields are left out and {@code since} is not shown.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AlertRule(long ruleId, String name, String kind, String namespace, String deviceId, String metric,
                        String op, Double threshold, Double clearThreshold, long forMs, String severity,
                        @JsonIgnore long since) {

    public static final String THRESHOLD = "threshold";
    public static final String SILENCE = "silence";

    @JsonIgnore
    public boolean isSilence() {
        return kind.equals(SILENCE);
    }

    public AlertRule withId(long id, long at) {
        return new AlertRule(id, name, kind, namespace, deviceId, metric, op, threshold, clearThreshold, forMs,
                severity, at);
    }

    /** True when the value breaks the rule's threshold. */
    public boolean breaks(double value) {
        return holds(value, threshold);
    }

    /** True when the value no longer breaks the clear threshold: past it on the other side. */
    public boolean clears(double value) {
        return !holds(value, clearThreshold);
    }

    private boolean holds(double value, double limit) {
        return switch (op) {
            case ">" -> value > limit;
            case ">=" -> value >= limit;
            case "<" -> value < limit;
            default -> value <= limit;
        };
    }
}
