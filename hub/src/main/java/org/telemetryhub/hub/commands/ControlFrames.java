package org.telemetryhub.hub.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.HubMessage;
import org.telemetryhub.protocol.Wire;

/**
 * The device frames that control rather than report: {@code command_result} and {@code state}, each answered here.
 * Every other frame (readings, and anything malformed) is the ingest pipeline's to judge; a cheap look at the text
 * keeps readings from being parsed twice.
 */
public final class ControlFrames {

    private static final String RESULT = "command_result";
    private static final String STATE = "state";

    private final Commands commands;
    private final DeviceStates states;

    public ControlFrames(Commands commands, DeviceStates states) {
        this.commands = commands;
        this.states = states;
    }

    /**
     * The answer to a payload published to an MQTT control topic ({@code command-results}, {@code state/reported}),
     * where anything but a control frame is a {@code bad_message}.
     */
    public HubMessage answerPublished(DeviceRef device, String payload) {
        return answer(device, payload).orElseGet(() -> HubMessage.Error.of(ErrorCode.BAD_MESSAGE,
                "payload must be a command_result or state frame"));
    }

    /** The answer to a control frame; empty for any other frame. */
    public Optional<HubMessage> answer(DeviceRef device, String frame) {
        if (!frame.contains(RESULT) && !frame.contains("\"" + STATE + "\"")) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = Wire.tree(frame);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        JsonNode type = root == null ? null : root.get("type");
        if (type == null || !type.isTextual()) {
            return Optional.empty();
        }
        return switch (type.asText()) {
            case RESULT -> Optional.of(commands.answerFrame(device, root));
            case STATE -> Optional.of(states.reportFrame(device, root));
            default -> Optional.empty();
        };
    }
}
