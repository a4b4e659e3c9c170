package org.telemetryhub.client;

import java.util.Map;
import org.telemetryhub.protocol.HubMessage;

/**
 * Applies the desired state's keys that differ from what the device last reported ({@code delta}), and returns what
 * it now reports for them; the SDK reports that as the device's state (an empty map sends nothing). Called on the
 * device's own thread when a link opens (if the device has a desired document) and after every desired change; over
 * HTTP, once the device's next read of its state sees the change (see {@link HubDeviceBuilder}).
 */
@FunctionalInterface
public interface DesiredStateHandler {

    Map<String, Object> apply(HubMessage.StateDelta delta);
}
