package org.telemetryhub.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Map;

/**
 * What a device sends the hub to answer it rather than to report readings: a command's result and its reported
 * state. The same JSON on a WebSocket frame and an MQTT publish; over HTTP each is a request of its own.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = DeviceControl.CommandResult.class, name = "command_result"),
    @JsonSubTypes.Type(value = DeviceControl.State.class, name = "state"),
})
public sealed interface DeviceControl {

    /** How the device carried out a command; {@code result} (a JSON object, left out when empty) says more. */
    record CommandResult(String commandId, boolean ok,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> result)
            implements DeviceControl {
        public CommandResult {
            result = result == null ? Map.of() : result;
        }
    }

    /** The device's reported document, which replaces the one it reported before. */
    record State(Map<String, Object> reported) implements DeviceControl {}
}
