package org.telemetryhub.hub.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Optional;
import org.telemetryhub.protocol.HubMessage;

/**
 * An operator's command to one device, as stored and as the operator API and the device room show it: its state,
 * the device's result once there is one, and a time per transition. {@code number} orders a device's commands by
 * creation; {@code device} is the provisioning it belongs to. Neither is shown. {@code commandId} is the number and
 * a random token joined ({@code 41-<token>}), so the store finds a command by its key while no one can name a command
 * without its token; a command not yet stored holds only its token there.
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

    /** The same command with the number its store gave it, and so its id. */
    public Command numbered(long storeNumber) {
        return new Command(storeNumber, device, id(storeNumber, commandId), name, args, status, ok, result,
                createdAt, expiresAt, deliveredAt, finishedAt);
    }

    /** The id of the stored command with this number and token. */
    public static String id(long number, String token) {
        return number + "-" + token;
    }

    /** The number and token an id is made of; empty for a string that is no command id. */
    public static Optional<Key> key(String commandId) {
        int dash = commandId.indexOf('-');
        if (dash < 1 || dash > 19 || dash == commandId.length() - 1) {
            return Optional.empty();
        }
        String digits = commandId.substring(0, dash);
        if (!digits.chars().allMatch(c -> c >= '0' && c <= '9') || digits.startsWith("0")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Key(Long.parseLong(digits), commandId.substring(dash + 1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** What a command id names: the command's store number, and the token that proves the id was handed out. */
    public record Key(long number, String token) {}

    /** The command as the device receives it. */
    public HubMessage.Command message() {
        return new HubMessage.Command(commandId, name, args, expiresAt);
    }
}
