package org.telemetryhub.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** What the hub sends a device, on WebSocket frames and MQTT topics. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = HubMessage.Ack.class, name = "ack"),
    @JsonSubTypes.Type(value = HubMessage.Rejected.class, name = "rejected"),
    @JsonSubTypes.Type(value = HubMessage.Error.class, name = "error"),
    @JsonSubTypes.Type(value = HubMessage.Command.class, name = "command"),
    @JsonSubTypes.Type(value = HubMessage.CommandAck.class, name = "command_ack"),
    @JsonSubTypes.Type(value = HubMessage.StateAck.class, name = "state_ack"),
    @JsonSubTypes.Type(value = HubMessage.StateDelta.class, name = "state_delta"),
})
public sealed interface HubMessage {

    /** The reading with this seq (or, for a batch, every accepted one up to it) is durably stored. */
    record Ack(long seq) implements HubMessage, SelfEncoded {
        @Override
        public void writeJson(StringBuilder out) {
            out.append("{\"type\":\"ack\",\"seq\":").append(seq).append('}');
        }
    }

    /** The reading with this seq is not stored, and why. */
    record Rejected(long seq, String error, String message) implements HubMessage {}

    /** A frame that could not be tied to readings, or was refused whole ({@code seqs} then lists its readings). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Error(String error, String message, Long retryAfterMs, List<Long> seqs) implements HubMessage {
        public static Error of(ErrorCode code, String message) {
            return new Error(code.wire(), message, null, null);
        }
    }

    /** An operator's command for the device to carry out and answer with a {@code command_result}. */
    record Command(String commandId, String name, JsonNode args, long expiresAt) implements HubMessage {}

    /**
     * The device's result for this command is stored; with {@code error} ({@code duplicate_result},
     * {@code unknown_command} or {@code command_finished}) it was not, and nothing changed.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CommandAck(String commandId, String error) implements HubMessage {}

    /** The device's reported document is stored as this version. */
    record StateAck(long reportedVersion) implements HubMessage {}

    /** The desired document's version and its top-level keys whose reported value differs. */
    record StateDelta(long desiredVersion, JsonNode delta) implements HubMessage {}
}
