package org.telemetryhub.hub.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import org.telemetryhub.protocol.HubMessage;

/**
 * An operator's command to one device, as stored and as the operator API and the device room show it: its state,
 * the device's result once there is one, and a time per transition. {@code number} orders a device's commands by
 * creation; {@code device} is the provisioning it belongs to. Neither is shown.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Command(@JsonIgnore long number, @JsonIgnore DeviceRef device, String commandId, String name,
                      JsonNode args, Status status, Boolean ok, JsonNode result, long createdAt, long expiresAt,
                      Long deliveredAt, Long finishedAt) {

    /** {@code queued → delivered → succeeded | failed}; {@code expired} or {@code cancelled} before a result. */
    public enum Status {
        QUEUED, DELIVERED, SUCCEEDED, FAILED, EXPIRED, CANCELLED;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Status ofWire(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }

        public boolean isFinished() {
            return this != QUEUED && this != DELIVERED;
        }
    }

    @JsonIgnore
    public boolean isFinished() {
        return status.isFinished();
    }

    /** The same command with the number its store gave it. */
    public Command numbered(long storeNumber) {
        return new Command(storeNumber, device, commandId, name, args, status, ok, result, createdAt, expiresAt,
                deliveredAt, finishedAt);
    }

    /** The command as the device receives it. */
    public HubMessage.Command message() {
        return new HubMessage.Command(commandId, name, args, expiresAt);
    }
}
