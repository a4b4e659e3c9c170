package org.telemetryhub.client;

import java.util.Map;
import org.telemetryhub.protocol.HubMessage;

/**
 * Applies the desired state's keys that differ from what the device last reported ({@code delta}), and returns what
 * it now reports for them; the SDK sends that as a {@code state} message (an empty map sends nothing). Called on the
 * device's own thread when a link opens and after every desired change.
 */
@FunctionalInterface
public interface DesiredStateHandler {

    Map<String, Object> apply(HubMessage.StateDelta delta);
}
