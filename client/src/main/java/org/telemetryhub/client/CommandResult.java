package org.telemetryhub.client;

import java.util.Map;

/**
 * A device's answer to a command: whether it carried it out, and an optional JSON object (at most 8 KiB encoded)
 * that the operator sees, such as the value it applied or why it could not.
 */
public record CommandResult(boolean ok, Map<String, Object> result) {

    public CommandResult {
        result = Map.copyOf(result);
    }

    public static CommandResult ok(Map<String, Object> result) {
        return new CommandResult(true, result);
    }

    public static CommandResult failed(String why) {
        return new CommandResult(false, Map.of("error", why));
    }
}
