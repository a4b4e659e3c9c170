package org.telemetryhub.hub.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One alert of a rule for a device: {@code open}, then perhaps {@code acknowledged}, then {@code cleared}. The offsets
 * name the readings that opened and cleared it, so an alert can be explained; a silence alert opens after the
 * device's last reading ({@code openedOffset}) and clears with its next one. {@code deviceKey} is the provisioning
 * it belongs to, not shown on the wire.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Alert(long alertId, long ruleId, @JsonIgnore long deviceKey, String deviceId, String namespace, String metric,
                    String severity, String status, Double value, long openedAt, long openedOffset,
                    Long acknowledgedAt, String acknowledgedBy, Long clearedAt, Long clearedOffset) {

    public static final String OPEN = "open";
    public static final String ACKNOWLEDGED = "acknowledged";
    public static final String CLEARED = "cleared";

    @JsonIgnore
    public boolean isActive() {
        return !status.equals(CLEARED);
    }
}
