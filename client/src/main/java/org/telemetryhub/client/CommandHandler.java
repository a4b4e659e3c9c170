package org.telemetryhub.client;

import org.telemetryhub.protocol.HubMessage;

/**
 * Carries out an operator's command ({@code name} and JSON {@code args}) and says how it went; the SDK sends the
 * result back on the device's link, whatever its transport. Called on the device's own thread, one command at a
 * time; an exception becomes a failed result with its message.
 */
@FunctionalInterface
public interface CommandHandler {

    CommandResult handle(HubMessage.Command command);
}
